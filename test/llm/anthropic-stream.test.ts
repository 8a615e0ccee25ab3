// One streamed Messages call, below the client: the real SDK against the fake Anthropic server,
// its events applied to a Round (text, usage, stop, blocks), and every way it fails mapped to one
// UpstreamError kind carrying the usage already paid for.

import { afterAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import type { ContentBlock } from "@anthropic-ai/sdk/resources/messages";
import { ZERO_USAGE } from "../../src/core/types.ts";
import {
  addUsage,
  asParams,
  Round,
  streamRound,
  toUpstreamError,
} from "../../src/llm/anthropic-stream.ts";
import { type FakeReply, inOrder, startFakeAnthropic } from "../fixtures/fake-anthropic.ts";

const fake = startFakeAnthropic();
afterAll(() => fake.close());
const sdk = new Anthropic({ apiKey: "sk-test", baseURL: fake.url, maxRetries: 0 });

/** One round answered by `reply`; the error, if any, as the client maps it. */
async function round(
  reply: FakeReply | string,
  opts: { stallMs?: number; signal?: AbortSignal } = {},
) {
  fake.setHandler(inOrder(reply));
  const deltas: string[] = [];
  const r = new Round((d) => deltas.push(d));
  const params = {
    model: "claude-sonnet-4-6",
    max_tokens: 1000,
    stream: true as const,
    messages: [{ role: "user" as const, content: "Write the page." }],
  };
  try {
    await streamRound(sdk, params, r, opts.signal, opts.stallMs ?? 5_000);
    return { r, deltas, error: null };
  } catch (err) {
    return { r, deltas, error: toUpstreamError(err, r.usage, 1) };
  }
}

describe("events → a Round", () => {
  test("text deltas reach onText in order and build the text block; stop, model, usage taken", async () => {
    const { r, deltas, error } = await round({
      text: "<!DOCTYPE html><p>hello world</p>",
      chunkSize: 5,
      usage: { input: 40, output: 9, cacheWrite: 7, cacheRead: 3 },
    });
    expect(error).toBeNull();
    expect(deltas.join("")).toBe("<!DOCTYPE html><p>hello world</p>");
    expect(deltas.length).toBeGreaterThan(1);
    expect(r.blocks).toEqual([expect.objectContaining({ type: "text", text: deltas.join("") })]);
    expect(r.chars).toBe(deltas.join("").length);
    expect(r.stop).toBe("end_turn");
    expect(r.ended).toBe(true);
    expect(r.model).toBe("claude-sonnet-4-6");
    expect(r.usage).toEqual({
      inputTokens: 40,
      outputTokens: 9,
      cacheWriteTokens: 7,
      cacheReadTokens: 3,
      webSearches: 0,
    });
  });

  test("message_delta repeating the whole message's counts overwrites them, never adds", async () => {
    const { r } = await round({
      text: "x",
      usage: { input: 40, output: 5, cacheRead: 3 },
      fullDeltaUsage: true,
    });
    expect(r.usage.inputTokens).toBe(40);
    expect(r.usage.cacheReadTokens).toBe(3);
    expect(r.usage.outputTokens).toBe(5);
  });

  test("a server tool's call and result become blocks, its input parsed, its searches counted", async () => {
    const { r, error } = await round({
      text: "<p>found</p>",
      toolBlocks: [{ kind: "web_search", query: "mars rovers" }],
    });
    expect(error).toBeNull();
    expect(r.usage.webSearches).toBe(1);
    const use = r.blocks.find((b) => b?.type === "server_tool_use");
    expect(use).toMatchObject({ name: "web_search", input: { query: "mars rovers" } });
    expect(r.blocks.some((b) => b?.type === "web_search_tool_result")).toBe(true);
  });

  test("max_tokens is the stop reason a cut-off page reports", async () => {
    const { r } = await round({ text: "<p>cut", stopReason: "max_tokens" });
    expect(r.stop).toBe("max_tokens");
  });
});

describe("failures → UpstreamError kinds, with the usage paid so far", () => {
  test("a silent stream is a stall after stallMs", async () => {
    const { error, deltas } = await round(
      { text: "abcdefghij", chunkSize: 2, stallAfterChunks: 2 },
      { stallMs: 150 },
    );
    expect(error?.kind).toBe("stall");
    expect(error?.message).toContain("no event for 150 ms");
    expect(deltas.join("")).toBe("abcd");
    expect(error?.usage.inputTokens).toBe(25);
  });

  test("a stream that closes before message_stop is broken, not finished", async () => {
    const { error } = await round({ text: "abcdefghij", chunkSize: 2, endAfterChunks: 2 });
    expect(error?.kind).toBe("stream");
    expect(error?.message).toContain("stream ended before message_stop");
  });

  test("an error event mid-stream is a stream error naming its type", async () => {
    const { error } = await round({
      text: "abcdefghij",
      chunkSize: 2,
      errorAfterChunks: { after: 1, type: "overloaded_error", message: "busy" },
    });
    expect(error?.kind).toBe("stream");
    expect(error?.message).toBe("Anthropic stream error overloaded_error: busy");
  });

  test("HTTP statuses: 401 auth, 429 rate_limit, 529 overloaded, 500 server, 400 other", async () => {
    const kinds: Record<number, string> = {
      401: "auth",
      429: "rate_limit",
      529: "overloaded",
      500: "server",
      400: "other",
    };
    for (const [status, kind] of Object.entries(kinds)) {
      const { error } = await round({ httpError: { status: Number(status), message: "no" } });
      expect([status, error?.kind]).toEqual([status, kind]);
      expect(error?.message).toStartWith(`Anthropic API ${status} `);
    }
  });

  test("a reset connection mid-stream is a connection failure", async () => {
    const { error } = await round({ text: "abcdefghij", chunkSize: 2, resetAfterChunks: 2 });
    expect(error?.kind).toBe("connection");
  });

  test("the caller's abort is neither a stall nor the upstream's fault", async () => {
    const ac = new AbortController();
    fake.setHandler(inOrder({ text: "abcdefghij", chunkSize: 2, stallAfterChunks: 1 }));
    const r = new Round(() => ac.abort());
    const params = {
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      stream: true as const,
      messages: [{ role: "user" as const, content: "x" }],
    };
    const error = await streamRound(sdk, params, r, ac.signal, 5_000).then(
      () => null,
      (e) => toUpstreamError(e, r.usage, 1),
    );
    expect(error?.kind).toBe("other");
    expect(error?.message).toBe("Anthropic request aborted");
  });

  test("onText throwing is the consumer's failure, not the connection's", async () => {
    fake.setHandler(inOrder({ text: "abcdef" }));
    const r = new Round(() => {
      throw new Error("sink closed");
    });
    const params = {
      model: "claude-sonnet-4-6",
      max_tokens: 100,
      stream: true as const,
      messages: [{ role: "user" as const, content: "x" }],
    };
    const error = await streamRound(sdk, params, r, undefined, 5_000).then(
      () => null,
      (e) => toUpstreamError(e, r.usage, 2),
    );
    expect(error?.kind).toBe("other");
    expect(error?.message).toBe("onText failed: Error: sink closed");
    expect(error?.rounds).toBe(2);
  });
});

describe("helpers", () => {
  test("addUsage sums every counter", () => {
    const sum = { ...ZERO_USAGE };
    addUsage(sum, {
      inputTokens: 1,
      outputTokens: 2,
      cacheWriteTokens: 3,
      cacheReadTokens: 4,
      webSearches: 5,
    });
    addUsage(sum, {
      inputTokens: 10,
      outputTokens: 20,
      cacheWriteTokens: 30,
      cacheReadTokens: 40,
      webSearches: 50,
    });
    expect(sum).toEqual({
      inputTokens: 11,
      outputTokens: 22,
      cacheWriteTokens: 33,
      cacheReadTokens: 44,
      webSearches: 55,
    });
  });

  const text = (t: string) => ({ type: "text", text: t, citations: null }) as ContentBlock;
  test("asParams drops empty text blocks and, as a prefill, trailing whitespace", () => {
    const tool = {
      type: "server_tool_use",
      id: "s1",
      name: "web_search",
      input: {},
    } as unknown as ContentBlock;
    expect(asParams([text(""), tool, text("<p>a </p>\n  ")], true)).toEqual([
      tool,
      expect.objectContaining({ type: "text", text: "<p>a </p>" }),
    ]);
    // A resumed pause_turn goes back as it came.
    expect(asParams([text("<p>a</p>\n")], false)).toEqual([text("<p>a</p>\n")]);
    // A last block of only whitespace is dropped, not sent empty.
    expect(asParams([tool, text(" \n")], true)).toEqual([tool]);
  });
});
