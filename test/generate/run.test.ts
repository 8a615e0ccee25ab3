// One generation on its own (generate/run.ts): the model's answer streamed, parsed and stored
// with its ledger row, or the failure recorded with what it cost, for each way a call ends.

import { afterEach, describe, expect, test } from "bun:test";
import { UpstreamError } from "../../src/core/errors.ts";
import {
  type GenerateRequest,
  type GenerateResult,
  type LlmClient,
  type Mapping,
  ZERO_USAGE,
} from "../../src/core/types.ts";
import { Fanout } from "../../src/generate/fanout.ts";
import { createLedger } from "../../src/generate/ledger.ts";
import { createPlanner } from "../../src/generate/plan.ts";
import { runGeneration } from "../../src/generate/run.ts";
import { createOfflineClient } from "../../src/llm/offline.ts";
import { explicitPrice } from "../../src/llm/prices.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { memoryLogger } from "../fixtures/site.ts";

let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

const USAGE = { ...ZERO_USAGE, inputTokens: 1_000_000, outputTokens: 100_000 };
// $1 per million in, $10 per million out: one call above costs $2.
const PRICE = explicitPrice(1, 10);

/** A client that answers every call the same way, streaming its text in two pieces. */
function scripted(answer: Partial<GenerateResult> | Error): LlmClient & { calls: number } {
  const client = {
    model: "scripted",
    provider: "test",
    free: false,
    calls: 0,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      client.calls++;
      if (answer instanceof Error) throw answer;
      const text = answer.text ?? "";
      req.onText?.(text.slice(0, 20));
      req.onText?.(text.slice(20));
      return {
        text,
        stopReason: "end_turn",
        usage: USAGE,
        model: "scripted",
        rounds: 1,
        ...answer,
      };
    },
  };
  return client;
}

function run(llm: LlmClient, m?: Mapping) {
  store = openStore(":memory:");
  store.setSeed("A site about moons");
  const mapping = m ?? (store.getMapping("/") as Mapping);
  const plan = createPlanner(store, { memory: false, depthLimit: 5, maxTokens: 8192 })(mapping);
  const fanout = new Fanout();
  const ctx = {
    store,
    ledger: createLedger(store, memoryLogger()),
    llm,
    clock: { now: () => 1_000 },
    price: PRICE,
    depthLimit: 5,
    maxTokens: 8192,
  };
  const sinks = { fanout, plan, signal: new AbortController().signal, reservation: null };
  return { store, fanout, done: runGeneration(ctx, mapping, sinks) };
}

const PAGE = pageReply(htmlDoc("Moons", '<a href="/io.html">Io</a>'), [
  { url: "/io.html", prompt: "The moon Io, same design." },
]);

describe("runGeneration", () => {
  test("a whole page is stored with its children and its ledger row, and streamed", async () => {
    const { store, fanout, done } = run(scripted({ text: PAGE }));
    const { result, event } = await done;
    expect(result).toEqual({ ok: true });
    expect(event).toMatchObject({ key: "/", outcome: "ok", costUsd: 2, rounds: 1, stored: true });
    expect(store.getPage("/")?.html).toContain("<title>Moons</title>");
    expect(store.getMapping("/io.html")?.depth).toBe(2);
    expect(store.spentUsd()).toBe(2);
    // The browser saw the page, never the mappings block (the generator closes the fanout).
    expect(fanout.bytes).toBeGreaterThan(0);
    fanout.close();
    const streamed = await new Response(fanout.reader()).text();
    expect(streamed).toContain("<title>Moons</title>");
    expect(streamed).not.toContain("---MAPPINGS---");
  });

  test("a page cut off by the token limit is not cached, and its cost still counts", async () => {
    const cut = PAGE.slice(0, PAGE.indexOf("</body>"));
    const { store, done } = run(scripted({ text: cut, stopReason: "max_tokens" }));
    const { result, event } = await done;
    expect(result).toMatchObject({ ok: false, kind: "failed" });
    expect(event.outcome).toBe("incomplete");
    expect(store.hasPage("/")).toBe(false);
    expect(store.spentUsd()).toBe(2);
  });

  test("a refusal is its own failure kind and caches nothing", async () => {
    const { store, done } = run(scripted({ text: "", stopReason: "refusal" }));
    const { result, event } = await done;
    expect(result).toEqual({ ok: false, kind: "refusal", reason: "The model declined." });
    expect(event.outcome).toBe("refusal");
    expect(store.hasPage("/")).toBe(false);
  });

  test("an upstream error records what it spent before failing", async () => {
    const err = new UpstreamError("overloaded", "overloaded", USAGE);
    const { store, done } = run(scripted(err));
    const { result, event } = await done;
    expect(result).toMatchObject({ ok: false, kind: "failed" });
    expect(event.error).toBe(err);
    expect(event.outcome).toBe("error");
    expect(store.spentUsd()).toBe(2);
    expect(store.stats().failedAttempts).toBe(1);
  });

  test("the offline writer's page goes through the same way, at no cost", async () => {
    const { store, done } = run(createOfflineClient({ chunkDelayMs: 0 }));
    const { result, event } = await done;
    expect(result).toEqual({ ok: true });
    expect(event.costUsd).toBe(0);
    expect(store.hasPage("/")).toBe(true);
  });
});
