// One streamed Chat Completions call, below the client: the real openai package against the fake
// OpenAI-compatible server, its chunks applied to a ChatRound (content, reasoning counted but
// never page text, finish reason, usage), and every way it fails mapped to one UpstreamError kind.

import { afterAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { ChatRound, streamChat, toUpstreamError } from "../../src/llm/openai-stream.ts";
import { type FakeReply, inOrder } from "../fixtures/fake-anthropic.ts";
import { THINKING } from "../fixtures/fake-local.ts";
import { type FakeOpenAIOptions, startFakeOpenAI } from "../fixtures/fake-openai.ts";

const fakes = new Map<string, ReturnType<typeof startFakeOpenAI>>();
afterAll(() => Promise.all([...fakes.values()].map((f) => f.close())));
function fakeFor(opts: FakeOpenAIOptions = {}) {
  const id = JSON.stringify(opts);
  const f = fakes.get(id) ?? startFakeOpenAI(undefined, opts);
  fakes.set(id, f);
  return f;
}

/** One call answered by `reply`; the error, if any, as the client maps it. */
async function chat(
  reply: FakeReply | string,
  o: {
    stallMs?: number;
    includeUsage?: boolean;
    local?: FakeOpenAIOptions["local"];
    onText?: (d: string) => void;
  } = {},
) {
  const fake = fakeFor({ local: o.local });
  fake.setHandler(inOrder(reply));
  const sdk = new OpenAI({ apiKey: "sk-test", baseURL: fake.url, maxRetries: 0 });
  const deltas: string[] = [];
  const r = new ChatRound(o.onText ?? ((d) => deltas.push(d)));
  const params = {
    model: "gpt-4.1-mini",
    max_tokens: 1000,
    stream: true as const,
    ...(o.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
    messages: [{ role: "user" as const, content: "Write the page." }],
  };
  try {
    await streamChat(sdk, params, r, undefined, o.stallMs ?? 5_000);
    return { r, deltas, error: null };
  } catch (err) {
    return {
      r,
      deltas,
      error: toUpstreamError(
        err,
        r.usage ?? {
          inputTokens: 0,
          outputTokens: 0,
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
          webSearches: 0,
        },
        1,
      ),
    };
  }
}

describe("chunks → a ChatRound", () => {
  test("content reaches onText and the round; the usage chunk gives prompt and completion tokens", async () => {
    const { r, deltas, error } = await chat({
      text: "<p>hello world</p>",
      chunkSize: 4,
      usage: { input: 30, output: 6 },
    });
    expect(error).toBeNull();
    expect(deltas.join("")).toBe("<p>hello world</p>");
    expect(deltas.length).toBeGreaterThan(1);
    expect(r.content).toBe("<p>hello world</p>");
    expect(r.model).toBe("gpt-4.1-mini");
    expect(r.finish).toBe("stop");
    expect(r.stop).toBe("end_turn");
    expect(r.usage).toEqual({
      inputTokens: 30,
      outputTokens: 6,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      webSearches: 0,
    });
  });

  test("cached prompt tokens stay in the input count (billed at the input price, never less)", async () => {
    const { r } = await chat({ text: "x", usage: { input: 30, cacheRead: 70, output: 2 } });
    expect(r.usage?.inputTokens).toBe(100);
    expect(r.usage?.cacheReadTokens).toBe(0);
  });

  test("without a usage chunk the round has no usage (the client estimates it)", async () => {
    const { r, error } = await chat({ text: "<p>x</p>" }, { includeUsage: false });
    expect(error).toBeNull();
    expect(r.usage).toBeNull();
  });

  test("reasoning fields are counted as written, never page text", async () => {
    for (const reasoningField of ["reasoning_content", "reasoning"] as const) {
      const { r, deltas } = await chat({ text: "<p>page</p>" }, { local: { reasoningField } });
      expect(deltas.join("")).toBe("<p>page</p>");
      expect(r.chars).toBe(THINKING.length + "<p>page</p>".length);
    }
  });

  test("finish reasons in the terms shared with the Anthropic client", async () => {
    expect((await chat({ text: "<p>cut", stopReason: "max_tokens" })).r.stop).toBe("max_tokens");
    expect((await chat({ text: "no", stopReason: "refusal" })).r.stop).toBe("refusal");
    const r = new ChatRound(undefined);
    r.finish = "tool_calls";
    expect(r.stop).toBe("tool_use");
    r.finish = "stop";
    r.refusal = "I can't help with that.";
    expect(r.stop).toBe("refusal");
  });
});

describe("failures → UpstreamError kinds", () => {
  test("a silent stream is a stall after stallMs", async () => {
    const { error, deltas } = await chat(
      { text: "abcdefgh", chunkSize: 2, stallAfterChunks: 2 },
      { stallMs: 150 },
    );
    expect(error?.kind).toBe("stall");
    expect(error?.message).toBe("OpenAI-compatible API stream stalled: no chunk for 150 ms");
    expect(deltas.join("")).toBe("abcd");
  });

  test("a body that stops short of a finish_reason is broken, not finished", async () => {
    const { error } = await chat({ text: "abcdefgh", chunkSize: 2, endAfterChunks: 2 });
    expect(error?.kind).toBe("stream");
    expect(error?.message).toContain("stream ended before a finish_reason");
  });

  test("an error object mid-stream is a stream error", async () => {
    const { error } = await chat({
      text: "abcdefgh",
      chunkSize: 2,
      errorAfterChunks: { after: 1, message: "boom" },
    });
    expect(error?.kind).toBe("stream");
    expect(error?.message).toBe("OpenAI-compatible API stream error server_error: boom");
  });

  test("HTTP statuses: 401 auth, 429 rate_limit, 503 server, 404 other, with the API's code", async () => {
    const kinds: Record<number, string> = {
      401: "auth",
      429: "rate_limit",
      503: "server",
      404: "other",
    };
    for (const [status, kind] of Object.entries(kinds)) {
      const { error } = await chat({ httpError: { status: Number(status), message: "no" } });
      expect([status, error?.kind]).toEqual([status, kind]);
      expect(error?.message).toStartWith(`OpenAI-compatible API ${status} `);
    }
    const { error } = await chat({ httpError: { status: 429, message: "slow down" } });
    expect(error?.message).toBe("OpenAI-compatible API 429 rate_limit_exceeded: slow down");
  });

  test("a reset connection is a connection failure; onText throwing is the consumer's", async () => {
    expect((await chat({ text: "abcdefgh", chunkSize: 2, resetAfterChunks: 2 })).error?.kind).toBe(
      "connection",
    );
    const { error } = await chat("<p>x</p>", {
      onText: () => {
        throw new Error("sink closed");
      },
    });
    expect(error?.kind).toBe("other");
    expect(error?.message).toBe("onText failed: Error: sink closed");
  });
});
