// Single-flight generations (generate/generator.ts): one flight per key, refusals in the one
// failure shape before anything is spent, the cool-down after a failure, and a drain that waits.

import { afterEach, describe, expect, test } from "bun:test";
import { UpstreamError } from "../../src/core/errors.ts";
import {
  type GenerateRequest,
  type GenerateResult,
  type LlmClient,
  type Mapping,
  ZERO_USAGE,
} from "../../src/core/types.ts";
import { createGenerator, isRefusal } from "../../src/generate/generator.ts";
import { explicitPrice } from "../../src/llm/prices.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { memoryLogger } from "../fixtures/site.ts";

let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const PAGE = pageReply(htmlDoc("Home"), [{ url: "/a.html", prompt: "Page A." }]);

/**
 * A client whose calls wait until the test streams text into them and lets them answer (or
 * fail); an aborted call fails as the SDK's would.
 */
function gated() {
  const waiting: ((r: GenerateResult | Error) => void)[] = [];
  const streams: ((text: string) => void)[] = [];
  const client: LlmClient & { calls: number } = {
    model: "gated",
    provider: "test",
    free: false,
    calls: 0,
    generate(req: GenerateRequest) {
      client.calls++;
      streams.push((text) => req.onText?.(text));
      return new Promise<GenerateResult>((resolve, reject) => {
        req.signal?.addEventListener("abort", () =>
          reject(new UpstreamError("aborted", "connection", ZERO_USAGE)),
        );
        waiting.push((r) => (r instanceof Error ? reject(r) : resolve(r)));
      });
    },
  };
  const stream = (text: string) => streams[0]?.(text);
  const answer = (r: Partial<GenerateResult> | Error) =>
    waiting.shift()?.(
      r instanceof Error
        ? r
        : {
            text: PAGE,
            stopReason: "end_turn",
            usage: ZERO_USAGE,
            model: "gated",
            rounds: 1,
            ...r,
          },
    );
  return { client, answer, stream };
}

function generator(llm: LlmClient, o: { maxCostUsd?: number | null; now?: () => number } = {}) {
  store = openStore(":memory:");
  store.setSeed("A homepage about moons");
  const g = createGenerator({
    store,
    llm,
    clock: { now: o.now ?? Date.now },
    logger: memoryLogger(),
    depthLimit: 5,
    maxTokens: 8192,
    memory: false,
    maxCostUsd: o.maxCostUsd ?? null,
    price: explicitPrice(3, 15),
    failureCooldownMs: 30_000,
  });
  return { g, store, home: store.getMapping("/") as Mapping };
}

describe("generator", () => {
  test("one flight per key however many ask; it ends stored and leaves the list", async () => {
    const { client, answer } = gated();
    const { g, store, home } = generator(client);
    const first = g.start(home);
    const second = g.start(home);
    expect(isRefusal(first)).toBe(false);
    expect(second).toBe(first);
    expect(g.get("/")).toBe(first as never);
    expect(g.inFlight).toBe(1);
    expect(client.calls).toBe(1);
    answer({});
    if (isRefusal(first)) throw new Error("refused");
    expect(await first.done).toEqual({ ok: true });
    expect(g.inFlight).toBe(0);
    expect(store.hasPage("/")).toBe(true);
  });

  test("a page the budget cannot cover is refused before any call, in the failure shape", () => {
    const { client } = gated();
    const { g, home } = generator(client, { maxCostUsd: 0.000_001 });
    const refused = g.start(home);
    expect(isRefusal(refused)).toBe(true);
    expect(refused).toEqual({ ok: false, kind: "budget", reason: "The budget is spent." });
    expect(g.wouldRefuse(home)).toEqual({
      ok: false,
      kind: "budget",
      reason: "The budget is spent.",
    });
    expect(client.calls).toBe(0);
    expect(g.lastFailure("/")).toEqual({ kind: "budget", reason: "The budget is spent." });
  });

  test("a paid failure cools the key down; a purge forgets it", async () => {
    let now = 1_000_000;
    const { client, answer } = gated();
    const { g, home } = generator(client, { now: () => now });
    const flight = g.start(home);
    if (isRefusal(flight)) throw new Error("refused");
    answer(new UpstreamError("boom", "server", { ...ZERO_USAGE, inputTokens: 10 }));
    const result = await flight.done;
    expect(result).toMatchObject({ ok: false, kind: "failed", retryAfterSec: 30 });
    const cooling = g.start(home);
    expect(cooling).toMatchObject({ ok: false, kind: "failed", retryAfterSec: 30 });
    expect(g.coolingUntil("/")).toBe(now + 30_000);
    now += 10_000;
    expect(g.wouldRefuse(home)).toMatchObject({ ok: false, kind: "failed", retryAfterSec: 20 });
    g.forgetFailure("/");
    expect(g.wouldRefuse(home)).toBeNull();
    expect(g.lastFailure("/")).toBeUndefined();
  });

  test("a page being written is found by the links it already shows", async () => {
    const { client, answer, stream } = gated();
    const { g, home } = generator(client);
    const flight = g.start(home);
    if (isRefusal(flight)) throw new Error("refused");
    expect(g.linkingTo("a.html")).toEqual([]);
    stream('<!DOCTYPE html><html><body><a href="/a.html">A</a>');
    expect(g.linkingTo("a.html").map((f) => f.key)).toEqual([flight.key]);
    expect(g.list().map((f) => f.key)).toEqual(["/"]);
    answer({});
    await flight.done;
    expect(g.list()).toEqual([]);
  });

  test("drain waits for every flight; abortAll ends them, and each still settles", async () => {
    const { client } = gated();
    const { g, home } = generator(client);
    const flight = g.start(home);
    if (isRefusal(flight)) throw new Error("refused");
    let drained = false;
    const draining = g.drain().then(() => {
      drained = true;
    });
    await Bun.sleep(5);
    expect(drained).toBe(false);
    g.abortAll();
    await draining;
    expect(await flight.done).toMatchObject({ ok: false, kind: "failed" });
    expect(g.inFlight).toBe(0);
  });
});
