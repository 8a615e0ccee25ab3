// The real SDK against the fake API: what the client sends, streams, sums and throws.

import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../src/errors.ts";
import { type AnthropicClientOptions, MAX_CONTINUATIONS, WEB_TOOLS } from "../src/llm/anthropic.ts";
import type { GenerateRequest } from "../src/types.ts";
import { useFakeClient } from "./fixtures/client.ts";
import { type FakeReply, htmlDoc, inOrder, pageReply } from "./fixtures/fake-anthropic.ts";

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

describe("max_tokens continuation", () => {
  test("a page cut off is continued from its partial answer into one seamless text", async () => {
    replies(
      {
        text: "<!DOCTYPE html><html><body><p>first half",
        stopReason: "max_tokens",
        usage: { input: 10, output: 8192 },
      },
      { text: " and second half</p></body></html>", usage: { input: 30, output: 9 } },
    );
    const { result, deltas } = await run();
    expect(result.text).toBe(
      "<!DOCTYPE html><html><body><p>first half and second half</p></body></html>",
    );
    expect(deltas.join("")).toBe(result.text);
    expect(result).toMatchObject({ stopReason: "end_turn", rounds: 2 });
    expect(result.usage.outputTokens).toBe(8192 + 9);
    const second = currentFake().requests.at(-1)?.body.messages;
    expect(second?.[1]).toMatchObject({
      role: "assistant",
      content: [{ type: "text", text: "<!DOCTYPE html><html><body><p>first half" }],
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

describe("pause_turn", () => {
  test("sends the partial assistant turn back and continues it", async () => {
    replies(
      {
        text: "part one ",
        stopReason: "pause_turn",
        toolBlocks: [{ kind: "web_search", query: "q1" }],
        usage: { input: 10, output: 5 },
      },
      { text: "part two", usage: { input: 20, output: 7, cacheRead: 3 } },
    );
    const { result, deltas } = await run({ webTools: true });
    expect(result).toMatchObject({ text: "part one part two", stopReason: "end_turn", rounds: 2 });
    expect(deltas.join("")).toBe("part one part two");
    expect(result.usage).toEqual({
      inputTokens: 30,
      outputTokens: 12,
      cacheWriteTokens: 0,
      cacheReadTokens: 3,
      webSearches: 1,
    });
    const second = currentFake().requests[1]?.body;
    expect(second?.tools).toHaveLength(2);
    expect(second?.system).toEqual(currentFake().requests[0]?.body.system);
    expect(second?.messages).toHaveLength(2);
    expect(second?.messages[0]).toEqual({ role: "user", content: "USER PROMPT" });
    const assistant = second?.messages[1];
    expect(assistant?.role).toBe("assistant");
    const [use, found, said] = (assistant?.content ?? []) as Record<string, unknown>[];
    expect(use).toMatchObject({
      type: "server_tool_use",
      name: "web_search",
      input: { query: "q1" },
    });
    expect(found).toMatchObject({ type: "web_search_tool_result", tool_use_id: use?.id });
    expect(found?.content).toEqual([
      expect.objectContaining({ encrypted_content: expect.any(String) }),
    ]);
    // The API rejects a final assistant block that ends in whitespace.
    expect(said).toEqual({ type: "text", text: "part one", citations: null });
  });

  test("stops after 10 rounds and reports the pause", async () => {
    replies({ text: "more ", stopReason: "pause_turn", usage: { input: 1, output: 1 } });
    const { result } = await run();
    expect(currentFake().calls).toBe(10);
    expect(result).toMatchObject({ stopReason: "pause_turn", rounds: 10 });
    expect(result.usage.inputTokens).toBe(10);
    const last = currentFake().requests[9]?.body.messages[1]?.content as { text: string }[];
    expect(last.map((b) => b.text).join("")).toBe("more more more more more more more more more");
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
