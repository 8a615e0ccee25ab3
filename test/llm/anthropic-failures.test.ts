// The real SDK against the fake API: how each way of failing becomes an UpstreamError.

import { describe, expect, test } from "bun:test";
import { UpstreamError } from "../../src/core/errors.ts";
import type { GenerateRequest } from "../../src/core/types.ts";
import type { AnthropicClientOptions } from "../../src/llm/anthropic.ts";
import { useFakeClient } from "../fixtures/client.ts";
import { type FakeReply, inOrder } from "../fixtures/fake-anthropic.ts";

const { fake: currentFake, client } = useFakeClient();

/** Runs one generation that must fail, returning its UpstreamError and the deltas seen. */
async function fail(o: Partial<AnthropicClientOptions> = {}, req: Partial<GenerateRequest> = {}) {
  const deltas: string[] = [];
  const err = await client(o)
    .generate({ system: "S", prompt: "P", maxTokens: 100, onText: (d) => deltas.push(d), ...req })
    .then(
      () => new Error("expected the generation to fail"),
      (e: unknown) => e,
    );
  if (!(err instanceof UpstreamError)) throw err;
  return { err, deltas };
}

const replies = (...list: FakeReply[]) => currentFake().setHandler(inOrder(...list));

describe("failures", () => {
  test("401 is an auth error, not retried", async () => {
    replies({ httpError: { status: 401 } });
    const { err } = await fail();
    expect(err).toMatchObject({ kind: "auth", rounds: 1 });
    expect(err.message).toContain("authentication_error");
    expect(err.usage.inputTokens).toBe(0);
    expect(currentFake().calls).toBe(1);
    replies({ httpError: { status: 403 } });
    expect((await fail()).err.kind).toBe("auth");
  });

  test("529 and 500 are retried by the SDK before the stream starts", async () => {
    replies({ httpError: { status: 529 } }, { httpError: { status: 500 } }, { text: "ok" });
    const result = await client({ maxRetries: 2 }).generate({
      system: "S",
      prompt: "P",
      maxTokens: 9,
    });
    expect(result.text).toBe("ok");
    expect(currentFake().calls).toBe(3);
  });

  test("exhausted retries keep the kind of the last status", async () => {
    const cases = [
      [429, "rate_limit"],
      [529, "overloaded"],
      [503, "server"],
      [400, "other"],
    ] as const;
    for (const [status, kind] of cases) {
      replies({ httpError: { status } });
      const before = currentFake().calls;
      expect((await fail({ maxRetries: 1 })).err.kind).toBe(kind);
      expect(currentFake().calls - before).toBe(status === 400 ? 1 : 2);
    }
  });

  test("an error event mid-stream is a stream error carrying the partial usage", async () => {
    replies({
      text: "abcdefghij".repeat(4),
      chunkSize: 10,
      errorAfterChunks: { after: 2 },
      usage: { input: 50, cacheRead: 7 },
    });
    const { err, deltas } = await fail();
    expect(err.kind).toBe("stream");
    expect(err.message).toContain("overloaded_error");
    expect(deltas).toEqual(["abcdefghij", "abcdefghij"]);
    expect(err.usage).toMatchObject({ inputTokens: 50, cacheReadTokens: 7, outputTokens: 5 });
    expect(currentFake().calls).toBe(1);
  });

  test("a failure in a later round carries the usage of every round", async () => {
    replies(
      {
        text: "one",
        stopReason: "pause_turn",
        toolBlocks: [{ kind: "web_search", query: "q" }],
        usage: { input: 10, output: 4 },
      },
      { text: "two", errorAfterChunks: { after: 0 }, usage: { input: 20 } },
    );
    const { err } = await fail({ webTools: true });
    expect(err).toMatchObject({ kind: "stream", rounds: 2 });
    expect(err.usage).toMatchObject({ inputTokens: 30, outputTokens: 5 });
  });

  test("a connection reset mid-stream is a connection error, not retried", async () => {
    replies({
      text: "0123456789".repeat(3),
      chunkSize: 10,
      resetAfterChunks: 1,
      usage: { input: 9 },
    });
    const { err, deltas } = await fail();
    expect(err.kind).toBe("connection");
    expect(deltas).toEqual(["0123456789"]);
    expect(err.usage.inputTokens).toBe(9);
    expect(currentFake().calls).toBe(1);
  });

  test("a stream that ends before message_stop is a stream error", async () => {
    replies({ text: "0123456789", chunkSize: 5, endAfterChunks: 1 });
    const { err } = await fail();
    expect(err.kind).toBe("stream");
    expect(err.message).toContain("message_stop");
  });

  test("a stalled stream is given up after stallMs", async () => {
    replies({ text: "0123456789", chunkSize: 5, stallAfterChunks: 1 });
    const started = performance.now();
    const { err, deltas } = await fail({ stallMs: 150 });
    expect(err.kind).toBe("stall");
    expect(deltas).toEqual(["01234"]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test("the caller's signal aborts a stream under way", async () => {
    const ctrl = new AbortController();
    const seen: string[] = [];
    const onText = (d: string) => {
      seen.push(d);
      ctrl.abort();
    };
    replies({ text: "0123456789", chunkSize: 2, usage: { input: 4 } });
    const { err } = await fail({}, { signal: ctrl.signal, onText });
    expect(err.kind).toBe("other");
    expect(err.message).toContain("aborted");
    expect(seen).toEqual(["01"]);
    expect(err.usage.inputTokens).toBe(4);
    ctrl.abort();
    expect((await fail({}, { signal: ctrl.signal })).err.kind).toBe("other");
    expect(currentFake().calls).toBe(1);
  });

  test("no response headers within timeoutMs is a connection error", async () => {
    replies({ text: "late", headersDelayMs: 500 });
    const { err } = await fail({ timeoutMs: 50, maxRetries: 0 });
    expect(err.kind).toBe("connection");
    expect(err.message).toMatch(/timed out/i);
  });

  test("closing the fake ends a stalled stream at once", async () => {
    replies({ text: "0123456789", chunkSize: 5, stallAfterChunks: 1 });
    const pending = fail({ stallMs: 60_000 });
    while (currentFake().calls === 0) await Bun.sleep(1);
    await Bun.sleep(20);
    await currentFake().close();
    const { err, deltas } = await pending;
    expect(err.kind).toBe("connection");
    expect(deltas).toEqual(["01234"]);
  });

  test("an unreachable API is a connection error", async () => {
    await currentFake().close();
    expect((await fail({ maxRetries: 0 })).err.kind).toBe("connection");
  });

  test("an onText that throws fails the generation without blaming the API", async () => {
    const { err } = await fail(
      {},
      {
        onText: () => {
          throw new Error("consumer broke");
        },
      },
    );
    expect(err.kind).toBe("other");
    expect(err.message).toContain("consumer broke");
  });
});
