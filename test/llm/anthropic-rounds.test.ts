// Rounds on each kind of model, through the real SDK and a fake that refuses what the real API
// refuses: max_tokens continuation (prefill or a user turn), pause_turn, thinking.

import { describe, expect, test } from "bun:test";
import { CONTINUE_PROMPT } from "../../src/contract/prompt.ts";
import type { GenerateRequest } from "../../src/core/types.ts";
import { type AnthropicClientOptions, MAX_ROUNDS } from "../../src/llm/anthropic.ts";
import { useFakeClient } from "../fixtures/client.ts";
import { type FakeReply, inOrder } from "../fixtures/fake-anthropic.ts";
import { MODELS } from "../fixtures/models.ts";

const { fake, client } = useFakeClient();
const replies = (...list: FakeReply[]) => fake().setHandler(inOrder(...list));
const HEAD = "<!DOCTYPE html><html><body><p>first half";
const REST = " and second half</p></body></html>";
const WHOLE = HEAD + REST;

// The Anthropic client's rounds: the OpenAI-compatible model has its own (test/openai.test.ts).
const CLAUDE = MODELS.filter((m) => m.provider === "anthropic");

describe.each(CLAUDE)("$label ($id)", ({ id, prefill }) => {
  async function run(o: Partial<AnthropicClientOptions> = {}, req: Partial<GenerateRequest> = {}) {
    const deltas: string[] = [];
    const result = await client({ model: id, ...o }).generate({
      system: "SYSTEM PROMPT",
      prompt: "USER PROMPT",
      maxTokens: 8192,
      onText: (d) => deltas.push(d),
      ...req,
    });
    return { result, deltas };
  }
  const bodies = () => fake().requests.map((r) => r.body);

  test("a page cut off by max_tokens is continued into one seamless text", async () => {
    replies(
      { text: HEAD, stopReason: "max_tokens", usage: { input: 10, output: 8192 } },
      { text: REST, usage: { input: 30, output: 9 } },
    );
    const { result, deltas } = await run();
    expect(result.text).toBe(WHOLE);
    expect(deltas.join("")).toBe(WHOLE);
    expect(result).toMatchObject({ stopReason: "end_turn", rounds: 2 });
    expect(result.usage.outputTokens).toBe(8192 + 9);
    const second = bodies()[1]?.messages;
    expect(second?.[1]).toMatchObject({
      role: "assistant",
      content: [{ type: "text", text: HEAD }],
    });
    if (prefill) expect(second).toHaveLength(2);
    else expect(second?.[2]).toEqual({ role: "user", content: CONTINUE_PROMPT });
  });

  test("no request ends with an assistant turn unless the model takes prefill", async () => {
    replies(
      { text: HEAD, stopReason: "max_tokens" },
      { text: " and", stopReason: "max_tokens" },
      { text: REST.slice(4) },
    );
    expect((await run()).result.text).toBe(WHOLE);
    const lastRoles = bodies().map((b) => b.messages.at(-1)?.role);
    expect(lastRoles).toEqual(
      prefill ? ["user", "assistant", "assistant"] : ["user", "user", "user"],
    );
  });

  test("no request carries sampling parameters; thinking is the least the model allows", async () => {
    await run();
    const [body] = bodies();
    for (const key of ["temperature", "top_p", "top_k"]) expect(body).not.toHaveProperty(key);
    const least = id === "claude-sonnet-5-5" ? { type: "between_tools" } : undefined;
    expect(body?.thinking).toEqual(least);
    expect(body?.output_config).toBeUndefined();
  });

  if (!prefill) {
    test.each([
      ["repeats the end of the page", `half${REST}`],
      [
        "repeats its last line and fences it",
        "```html\n<p>first half and second half</p></body></html>",
      ],
      ["starts the whole page again", `\`\`\`html\n${WHOLE}`],
      ["goes straight on", REST],
    ])("a continuation that %s joins into one clean page", async (_, second) => {
      replies(
        { text: HEAD, stopReason: "max_tokens", chunkSize: 7 },
        { text: second, chunkSize: 3 },
      );
      const { result, deltas } = await run();
      expect(result.text).toBe(WHOLE);
      expect(deltas.join("")).toBe(WHOLE);
    });
  }

  test("a pause_turn goes back exactly as it came, and the page continues", async () => {
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
    expect(result.usage).toMatchObject({ inputTokens: 30, cacheReadTokens: 3, webSearches: 1 });
    const [first, second] = bodies();
    expect(second?.tools).toEqual(first?.tools);
    expect(second?.messages[0]).toEqual({ role: "user", content: "USER PROMPT" });
    const sent = second?.messages[1]?.content as Record<string, unknown>[];
    const types = sent.map((b) => b.type);
    // The 5.5 model's note before the tool call is a thinking block: back with its signature.
    const note = id === "claude-sonnet-5-5" ? ["thinking"] : [];
    expect(types).toEqual([...note, "server_tool_use", "web_search_tool_result", "text"]);
    if (note.length) expect(sent[0]).toMatchObject({ signature: expect.stringMatching(/^sig_/) });
    expect(sent.at(-1)).toEqual({
      type: "text",
      text: prefill ? "part one" : "part one ",
      citations: null,
    });
  });

  test(`a pause_turn every round stops after ${MAX_ROUNDS} rounds`, async () => {
    replies({
      text: "more ",
      stopReason: "pause_turn",
      toolBlocks: [{ kind: "web_search", query: "q" }],
      usage: { input: 1, output: 1 },
    });
    const { result } = await run({ webTools: true });
    expect(fake().calls).toBe(MAX_ROUNDS);
    expect(result).toMatchObject({ stopReason: "pause_turn", rounds: MAX_ROUNDS });
    expect(result.text).toBe("more ".repeat(MAX_ROUNDS));
  });
});

describe("thinking on a 5.5 model at --effort high", () => {
  const run = (maxTokens = 8192) =>
    client({ model: "claude-sonnet-5-5", effort: "high" }).generate({
      system: "S",
      prompt: "P",
      maxTokens,
      onText: (d) => deltas.push(d),
    });
  let deltas: string[] = [];

  test("asks for adaptive thinking at that effort; thinking never reaches the text", async () => {
    deltas = [];
    replies({ text: WHOLE, usage: { output: 12 } });
    const result = await run();
    const body = fake().requests[0]?.body;
    expect(body).toMatchObject({
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
    });
    expect(result.text).toBe(WHOLE);
    expect(deltas.join("")).toBe(WHOLE);
    // The fake thinks 2,000 tokens at high effort: billed as output.
    expect(result.usage.outputTokens).toBe(12 + 2000);
  });

  test("a page cut off after thinking continues with the signed thinking sent back", async () => {
    deltas = [];
    replies({ text: HEAD, stopReason: "max_tokens" }, { text: REST });
    const result = await run();
    expect(result.text).toBe(WHOLE);
    expect(result.text).not.toContain("THINKING");
    const sent = fake().requests[1]?.body.messages[1]?.content as Record<string, unknown>[];
    expect(sent[0]).toMatchObject({ type: "thinking", signature: "sig_fake_0_0" });
    expect(String(sent[0]?.thinking)).toContain("THINKING 0");
  });
});
