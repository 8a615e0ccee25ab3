// The real openai package against the fake OpenAI-compatible server: what the client sends,
// streams, sums, continues and throws. (The site-level behaviour runs in the shared behaviour
// tests, test/fixtures/models.ts.)

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CONTINUE_PROMPT } from "../../src/contract/prompt.ts";
import { UpstreamError } from "../../src/core/errors.ts";
import type { GenerateRequest } from "../../src/core/types.ts";
import { MIN_PAGE_TOKENS, promptTokens } from "../../src/llm/context.ts";
import { createOpenAIClient, isOpenAIApi, type OpenAIClientOptions } from "../../src/llm/openai.ts";
import {
  type FakeAnthropic,
  type FakeReply,
  htmlDoc,
  inOrder,
  pageReply,
} from "../fixtures/fake-anthropic.ts";
import { type LocalQuirks, THINKING } from "../fixtures/fake-local.ts";
import { startFakeOpenAI } from "../fixtures/fake-openai.ts";

// A fresh fake per test: inOrder answers by the fake's own call count.
let fake: FakeAnthropic;
beforeEach(() => {
  fake = startFakeOpenAI(undefined, { apiKey: "sk-test" });
});
afterEach(() => fake.close());

const client = (o: Partial<OpenAIClientOptions> = {}) =>
  createOpenAIClient({
    apiKey: "sk-test",
    baseURL: fake.url,
    model: "gpt-4.1-mini",
    maxRetries: 0,
    ...o,
  });

/** One generation and its onText deltas; a failure comes back as its UpstreamError. */
async function run(o: Partial<OpenAIClientOptions> = {}, req: Partial<GenerateRequest> = {}) {
  const deltas: string[] = [];
  const outcome = await client(o)
    .generate({
      system: "SYSTEM",
      prompt: "USER",
      maxTokens: 1234,
      onText: (d) => deltas.push(d),
      ...req,
    })
    .then(
      (result) => ({ result, err: null }),
      (err: unknown) => {
        if (err instanceof UpstreamError) return { result: null, err };
        throw err;
      },
    );
  return { ...outcome, deltas };
}
const replies = (...list: FakeReply[]) => fake.setHandler(inOrder(...list));
const PAGE = pageReply(htmlDoc("Mars"), [{ url: "/moons.html", prompt: "Moons" }]);

describe("a request", () => {
  test("is a streamed chat completion with usage, the output cap under the name the server reads", async () => {
    replies({ text: PAGE });
    await run();
    const wire = fake.requests.at(-1)?.wire;
    expect(wire).toEqual({
      model: "gpt-4.1-mini",
      messages: [
        { role: "system", content: "SYSTEM" },
        { role: "user", content: "USER" },
      ],
      max_tokens: 1234,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(fake.requests.at(-1)?.headers.authorization).toBe("Bearer sk-test");
    // OpenAI's own API: its reasoning models refuse max_tokens (the fake does too).
    expect(isOpenAIApi(null)).toBe(true);
    expect(isOpenAIApi("https://api.openai.com/v1")).toBe(true);
    expect(isOpenAIApi("https://openrouter.ai/api/v1")).toBe(false);
    const o3 = await run({ model: "o3-mini" });
    expect(o3.err?.message).toContain("max_completion_tokens");
  });

  test("streams the content in order and takes the usage chunk, cached prompt tokens as input", async () => {
    replies({ text: PAGE, chunkSize: 9, usage: { input: 100, cacheRead: 40, output: 70 } });
    const { result, deltas } = await run();
    expect(deltas.join("")).toBe(PAGE);
    expect(deltas.length).toBeGreaterThan(PAGE.length / 9 - 3);
    expect(result).toMatchObject({ text: PAGE, stopReason: "end_turn", rounds: 1 });
    expect(result?.usage).toEqual({
      inputTokens: 140,
      outputTokens: 70,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
      webSearches: 0,
    });
  });

  test("content_filter is a refusal", async () => {
    replies({ text: "I can't", stopReason: "refusal" });
    expect((await run()).result?.stopReason).toBe("refusal");
  });
});

describe("finish_reason length", () => {
  test("is continued by an assistant turn and a user turn, joined into one page", async () => {
    const cut = PAGE.indexOf("<h1>");
    replies(
      { text: PAGE.slice(0, cut), stopReason: "max_tokens", usage: { input: 10, output: 5 } },
      // The model repeats the end of what it wrote before going on: the seam drops it.
      { text: `<body>${PAGE.slice(cut)}`, usage: { input: 30, output: 8 } },
    );
    const { result, deltas } = await run();
    expect(result).toMatchObject({ text: PAGE, stopReason: "end_turn", rounds: 2 });
    expect(deltas.join("")).toBe(PAGE);
    expect(result?.usage).toMatchObject({ inputTokens: 40, outputTokens: 13 });
    const second = fake.requests.at(-1)?.wire as { messages: unknown[] };
    expect(second.messages.slice(2)).toEqual([
      { role: "assistant", content: PAGE.slice(0, cut) },
      { role: "user", content: CONTINUE_PROMPT },
    ]);
  });
});

describe("failures", () => {
  test("401 is an auth error, not retried; the error JSON's code is named", async () => {
    const before = fake.calls;
    const { err } = await run({ apiKey: "wrong" });
    expect(err).toMatchObject({ kind: "auth", rounds: 1 });
    expect(err?.message).toContain("invalid_api_key");
    expect(fake.calls).toBe(before);
  });

  test("429 and 5xx are retried; exhausted retries keep the kind of the last status", async () => {
    replies({ httpError: { status: 429 } }, { httpError: { status: 500 } }, { text: PAGE });
    expect((await run({ maxRetries: 2 })).result?.text).toBe(PAGE);
    for (const [status, kind] of [
      [429, "rate_limit"],
      [503, "server"],
      [400, "other"],
    ] as const) {
      replies({ httpError: { status } });
      const before = fake.calls;
      expect((await run({ maxRetries: 1 })).err?.kind).toBe(kind);
      expect(fake.calls - before).toBe(status === 400 ? 1 : 2);
    }
  });

  test("an error object mid-stream is a stream error; its output so far is billed as estimated", async () => {
    replies({ text: "abcdefghij".repeat(4), chunkSize: 10, errorAfterChunks: { after: 2 } });
    const { err, deltas } = await run();
    expect(err?.kind).toBe("stream");
    expect(err?.message).toContain("fake error");
    expect(deltas.join("")).toBe("");
    const bytes = Buffer.byteLength(JSON.stringify(fake.requests.at(-1)?.wire));
    expect(err?.usage).toMatchObject({ inputTokens: Math.ceil(bytes / 3), outputTokens: 7 });
  });

  test("a stream that ends without a finish_reason (no [DONE]) is a stream error", async () => {
    replies({ text: PAGE, chunkSize: 20, endAfterChunks: 2 });
    const { err } = await run();
    expect(err?.kind).toBe("stream");
    expect(err?.message).toContain("finish_reason");
  });

  test("a stalled stream is given up after stallMs; a reset is a connection error", async () => {
    replies({ text: PAGE, chunkSize: 20, stallAfterChunks: 2 });
    expect((await run({ stallMs: 150 })).err?.kind).toBe("stall");
    replies({ text: PAGE, chunkSize: 20, resetAfterChunks: 2 });
    expect((await run()).err?.kind).toBe("connection");
  });
});

describe("a local server", () => {
  /** A generation against a local fake with these quirks (no key: local servers need none). */
  async function local(quirks: LocalQuirks) {
    const server = startFakeOpenAI(() => ({ text: PAGE, chunkSize: 6 }), { local: quirks });
    try {
      const out = await run({ apiKey: null, baseURL: server.url, model: "qwen3:8b" });
      return { ...out, request: server.requests[0] };
    } finally {
      await server.close();
    }
  }

  test("needs no key; reasoning streamed beside the content is billed, never page text", async () => {
    for (const reasoningField of ["reasoning_content", "reasoning"] as const) {
      const { result, deltas, request } = await local({ reasoningField });
      expect(request?.headers.authorization).toBe("Bearer none");
      expect(result?.text).toBe(PAGE);
      expect(deltas.join("")).toBe(PAGE);
      // Reasoning tokens are part of completion_tokens.
      expect(result?.usage.outputTokens).toBeGreaterThan(Math.ceil(PAGE.length / 4));
    }
  });

  test("<think> blocks, whole or only closed, never reach the text, however the tags are split", async () => {
    for (const think of ["whole", "close"] as const) {
      const { result, deltas } = await local({ think });
      expect(result?.text).toBe(PAGE);
      expect(deltas.join("")).toBe(PAGE);
    }
  });

  test("a server that ignores include_usage is billed from the request's size and what streamed", async () => {
    const { result, request } = await local({ ignoresUsage: true, reasoningField: "reasoning" });
    const bytes = Buffer.byteLength(JSON.stringify(request?.wire));
    expect(result?.usage).toMatchObject({
      inputTokens: Math.ceil(bytes / 3),
      outputTokens: Math.ceil((PAGE.length + THINKING.length) / 3),
    });
  });
});

describe("--context-tokens", () => {
  test("lowers the output cap to what the bound leaves, and refuses before calling when no page fits", async () => {
    replies({ text: PAGE });
    const prompt = promptTokens("SYSTEM", [{ content: "USER" }]);
    await run({ contextTokens: prompt + 300 });
    expect(fake.requests.at(-1)?.body.max_tokens).toBe(300);
    const before = fake.calls;
    const { err } = await run({ contextTokens: prompt + MIN_PAGE_TOKENS - 1 });
    expect(err?.kind).toBe("other");
    expect(err?.message).toContain(`--context-tokens ${prompt + MIN_PAGE_TOKENS - 1}`);
    expect(fake.calls).toBe(before);
  });
});
