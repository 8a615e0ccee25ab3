// The real SDK against the fake API: what the client sends, streams, sums and throws.

import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../../src/core/errors.ts";
import type { GenerateRequest } from "../../src/core/types.ts";
import { type AnthropicClientOptions, WEB_TOOLS } from "../../src/llm/anthropic.ts";
import { MAX_CONTINUATIONS } from "../../src/llm/stream-guard.ts";
import { useFakeClient } from "../fixtures/client.ts";
import { type FakeReply, htmlDoc, inOrder, pageReply } from "../fixtures/fake-anthropic.ts";

const { fake: currentFake, client } = useFakeClient();

/** Runs one generation, collecting the onText deltas. */
async function run(o: Partial<AnthropicClientOptions> = {}, req: Partial<GenerateRequest> = {}) {
  const deltas: string[] = [];
  const result = await client(o).generate({
    system: "SYSTEM PROMPT",
    prompt: "USER PROMPT",
    maxTokens: 1234,
    onText: (d) => deltas.push(d),
    ...req,
  });
  return { result, deltas };
}

const replies = (...list: FakeReply[]) => currentFake().setHandler(inOrder(...list));

describe("a normal generation", () => {
  test("streams the text in order through onText and returns all of it", async () => {
    const text = pageReply(htmlDoc("Mars"), [{ url: "/mars/moons.html", prompt: "Moons" }]);
    currentFake().setHandler(() => ({ text, chunkSize: 7 }));
    const { result, deltas } = await run();
    expect(deltas.length).toBe(Math.ceil(text.length / 7));
    expect(deltas.join("")).toBe(text);
    expect(result).toMatchObject({ text, stopReason: "end_turn", rounds: 1 });
    expect(result.model).toBe("claude-sonnet-4-6");
  });

  test("sends the model, max_tokens, the user prompt and a cached system block", async () => {
    await run();
    const [req] = currentFake().requests;
    expect(req?.body).toMatchObject({ model: "claude-sonnet-4-6", max_tokens: 1234, stream: true });
    expect(req?.body.messages).toEqual([{ role: "user", content: "USER PROMPT" }]);
    expect(req?.body.system).toEqual([
      { type: "text", text: "SYSTEM PROMPT", cache_control: { type: "ephemeral" } },
    ]);
    expect(req?.headers.authorization ?? req?.headers["x-api-key"]).toContain("sk-test");
    expect(req?.headers["anthropic-version"]).toBeTruthy();
  });

  test("sends no tools without web tools, and both server tools with them", async () => {
    await run({ webTools: false });
    expect(currentFake().requests[0]?.body.tools).toBeUndefined();
    await run({ webTools: true });
    expect(currentFake().requests[1]?.body.tools).toEqual([
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
      { type: "web_fetch_20250910", name: "web_fetch", max_uses: 2, max_content_tokens: 10_000 },
    ]);
    expect(WEB_TOOLS).toHaveLength(2);
  });

  test("takes usage from message_start and the final message_delta without double counting", async () => {
    const usage = { input: 120, output: 340, cacheWrite: 1000, cacheRead: 2000 };
    for (const fullDeltaUsage of [false, true]) {
      currentFake().setHandler(() => ({ text: "x".repeat(50), usage, fullDeltaUsage }));
      const { result } = await run();
      expect(result.usage).toEqual({
        inputTokens: 120,
        outputTokens: 340,
        cacheWriteTokens: 1000,
        cacheReadTokens: 2000,
        webSearches: 0,
      });
    }
  });

  test("keeps server tool blocks out of the text and counts web searches", async () => {
    const text = "<!DOCTYPE html><html><body>researched</body></html>";
    currentFake().setHandler(() => ({
      text,
      chunkSize: 5,
      toolBlocks: [
        { kind: "web_search", query: "mars moons" },
        { kind: "web_fetch", url: "https://example.org/phobos", afterChunk: 2 },
        { kind: "web_search", query: "deimos", afterChunk: 4 },
      ],
    }));
    const { result, deltas } = await run({ webTools: true });
    expect(deltas.join("")).toBe(text);
    expect(result.text).toBe(text);
    expect(result.usage.webSearches).toBe(2);
  });

  test("returns max_tokens (after its continuations) and refusal as stop reasons", async () => {
    replies({ text: "<!DOCTYPE html><html><body>cut", stopReason: "max_tokens" });
    expect((await run()).result).toMatchObject({
      stopReason: "max_tokens",
      rounds: 1 + MAX_CONTINUATIONS,
    });
    replies({ text: "I can't write that.", stopReason: "refusal" });
    expect((await run()).result).toMatchObject({
      stopReason: "refusal",
      text: "I can't write that.",
    });
  });
});

describe("beforeRound", () => {
  test("is asked before every call with the request size; a refusal ends it as budget", async () => {
    replies({ text: "a", stopReason: "pause_turn", usage: { input: 5, output: 1 } }, { text: "b" });
    const asked: [number, number][] = [];
    const err = await client()
      .generate({
        system: "sys",
        prompt: "hello",
        maxTokens: 100,
        beforeRound: (round, bytes) => {
          asked.push([round, bytes]);
          return round === 2 ? "no money left" : undefined;
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ kind: "budget", message: "no money left", rounds: 1 });
    expect((err as UpstreamError).usage.inputTokens).toBe(5);
    expect(asked.map(([r]) => r)).toEqual([1, 2]);
    const firstBody = JSON.stringify(currentFake().requests.at(-1)?.body);
    expect(asked[0]?.[1]).toBe(Buffer.byteLength(firstBody));
    expect(currentFake().requests.length).toBeGreaterThan(0);
  });
});

test("200 concurrent generations all stream their own page", async () => {
  currentFake().setHandler((body) => ({
    text: htmlDoc(String(body.messages[0]?.content)),
    chunkSize: 9,
    chunkDelayMs: 1,
  }));
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => run({}, { prompt: `page ${i}`, onText: () => {} })),
  );
  results.forEach(({ result }, i) => {
    expect(result.text).toBe(htmlDoc(`page ${i}`));
  });
  expect(currentFake().calls).toBe(200);
});
