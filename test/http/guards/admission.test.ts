// Who may start a paid generation (http/guards/admission.ts), on a real generator: crawlers, a
// request that is not a navigation, the client's rate, the concurrency gate, joining for free,
// and the generator's own refusal; the gate's slot is held for the generation, not the response.

import { afterEach, describe, expect, test } from "bun:test";
import type { Generator } from "../../../src/generate/generator.ts";
import {
  type AdmissionPolicy,
  admit,
  headRefusal,
  isRefusedBot,
} from "../../../src/http/guards/admission.ts";
import { createGate } from "../../../src/http/guards/gate.ts";
import { createRateLimiter } from "../../../src/http/guards/rate-limit.ts";
import { createOfflineClient } from "../../../src/llm/offline.ts";
import { explicitPrice } from "../../../src/llm/prices.ts";
import {
  CHROME,
  closeRouteContexts,
  heldClient,
  IO,
  NAVIGATE,
  routeContext,
} from "../../fixtures/route-context.ts";

afterEach(closeRouteContexts);

const OPEN: AdmissionPolicy = { botPolicy: "cached", trustFly: false, limiter: null, gate: null };
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const EUROPA = { key: "/europa.html", prompt: "Europa", depth: 2, parent: "/" };

function request(headers: Record<string, string> = NAVIGATE, ua = CHROME): Request {
  return new Request(`http://rabbithole.test${IO.key}`, {
    headers: { "user-agent": ua, ...headers },
  });
}

/** A generator whose pages stay under way until `release`. */
function held(): { generator: Generator; release: () => void; releaseOne: () => void } {
  const { llm, release, releaseOne } = heldClient();
  return { generator: routeContext({}, { llm }).generator, release, releaseOne };
}

describe("admit", () => {
  test("a person's navigation starts the page", async () => {
    const { generator } = held();
    const a = await admit(generator, OPEN, request(), IO.key, IO);
    expect(a.outcome).toBe("generated");
    expect(generator.get(IO.key)).toBeDefined();
  });

  test("a crawler under `cached` is refused before anything starts, even a flight to join", async () => {
    const { generator } = held();
    const bot = request(NAVIGATE, GOOGLEBOT);
    const first = await admit(generator, OPEN, bot, IO.key, IO);
    expect(first.outcome).toBe("refused");
    if (!("response" in first)) throw new Error("expected a refusal");
    expect(first.response.status).toBe(503);
    expect(first.response.headers.get("retry-after")).toBe("86400");
    expect(generator.inFlight).toBe(0);
    await admit(generator, OPEN, request(), IO.key, IO);
    expect((await admit(generator, OPEN, bot, IO.key, null)).outcome).toBe("refused");
  });

  test("under `allow` a crawler starts pages like a person", async () => {
    const { generator } = held();
    const allow = { ...OPEN, botPolicy: "allow" as const };
    const a = await admit(generator, allow, request(NAVIGATE, GOOGLEBOT), IO.key, IO);
    expect(a.outcome).toBe("generated");
  });

  test("a subresource never starts a page, but joins one under way for free", async () => {
    const { generator } = held();
    const img = request({ "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" });
    const refused = await admit(generator, OPEN, img, IO.key, IO);
    expect(refused.outcome).toBe("refused");
    if (!("response" in refused)) throw new Error("expected a refusal");
    expect(refused.response.status).toBe(503);
    expect(generator.inFlight).toBe(0);
    const started = await admit(generator, OPEN, request(), IO.key, IO);
    const joined = await admit(generator, OPEN, img, IO.key, IO);
    expect(joined.outcome).toBe("joined");
    if (!("flight" in joined) || !("flight" in started)) throw new Error("expected flights");
    expect(joined.flight).toBe(started.flight);
    // navigationOnly: false (tests that send no browser headers) lets it start.
    const other = await admit(generator, { ...OPEN, navigationOnly: false }, img, "/e.html", {
      ...EUROPA,
      key: "/e.html",
    });
    expect(other.outcome).toBe("generated");
  });

  test("the rate limit counts new pages per client, never joins", async () => {
    const { generator } = held();
    const limiter = createRateLimiter({ perMinute: 1, burst: 1, clock: { now: () => 0 } });
    const policy = { ...OPEN, limiter };
    const peer = { requestIP: () => ({ address: "203.0.113.9" }) };
    expect((await admit(generator, policy, request(), IO.key, IO, peer)).outcome).toBe("generated");
    expect((await admit(generator, policy, request(), IO.key, IO, peer)).outcome).toBe("joined");
    const over = await admit(generator, policy, request(), EUROPA.key, EUROPA, peer);
    if (!("response" in over)) throw new Error("expected a refusal");
    expect(over.response.status).toBe(429);
    expect(Number(over.response.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another client has its own bucket.
    const other = { requestIP: () => ({ address: "198.51.100.1" }) };
    expect((await admit(generator, policy, request(), EUROPA.key, EUROPA, other)).outcome).toBe(
      "generated",
    );
  });

  test("behind Fly the client is Fly-Client-IP; elsewhere that header is ignored", async () => {
    const { generator } = held();
    const limiter = createRateLimiter({ perMinute: 1, burst: 1, clock: { now: () => 0 } });
    const proxy = { requestIP: () => ({ address: "10.0.0.1" }) };
    const from = (ip: string) => request({ ...NAVIGATE, "fly-client-ip": ip });
    const fly = { ...OPEN, limiter, trustFly: true };
    expect((await admit(generator, fly, from("203.0.113.1"), IO.key, IO, proxy)).outcome).toBe(
      "generated",
    );
    const second = await admit(generator, fly, from("203.0.113.2"), EUROPA.key, EUROPA, proxy);
    expect(second.outcome).toBe("generated");
    const clock = { now: () => 0 };
    const plain = { ...OPEN, limiter: createRateLimiter({ perMinute: 1, burst: 1, clock }) };
    const c = { ...EUROPA, key: "/c.html" };
    const d = { ...EUROPA, key: "/d.html" };
    expect((await admit(generator, plain, from("203.0.113.3"), c.key, c, proxy)).outcome).toBe(
      "generated",
    );
    expect((await admit(generator, plain, from("203.0.113.4"), d.key, d, proxy)).outcome).toBe(
      "refused",
    );
  });

  test("the gate: a full machine answers busy, and the slot frees when the page is done", async () => {
    const { generator, release } = held();
    const gate = createGate({ max: 1, queue: 0, queueTimeoutMs: 1000 });
    const policy = { ...OPEN, gate };
    const a = await admit(generator, policy, request(), IO.key, IO);
    expect(a.outcome).toBe("generated");
    expect(gate.active).toBe(1);
    // Joining needs no slot.
    expect((await admit(generator, policy, request(), IO.key, IO)).outcome).toBe("joined");
    const busy = await admit(generator, policy, request(), EUROPA.key, EUROPA);
    if (!("response" in busy)) throw new Error("expected a refusal");
    expect(busy.response.status).toBe(503);
    expect(busy.response.headers.get("retry-after")).toBe("10");
    release();
    if (!("flight" in a)) throw new Error("expected a flight");
    await a.flight.done;
    await Bun.sleep(0);
    expect(gate.active).toBe(0);
  });

  test("a page started by someone else while this request queued is joined, the slot given back", async () => {
    const { generator, release, releaseOne } = held();
    const gate = createGate({ max: 1, queue: 1, queueTimeoutMs: 5000 });
    const policy = { ...OPEN, gate };
    const first = await admit(generator, policy, request(), IO.key, IO);
    const waiting = admit(generator, policy, request(), EUROPA.key, EUROPA);
    expect(gate.queued).toBe(1);
    const other = generator.start(EUROPA);
    // The first page ends (its slot passes to the waiter) while Europa is still being written.
    releaseOne();
    const late = await waiting;
    expect(late.outcome).toBe("joined");
    if (!("flight" in late) || !("flight" in first)) throw new Error("expected flights");
    expect(late.flight).toBe(other as typeof late.flight);
    release();
    await Promise.all([first.flight.done, late.flight.done]);
    await Bun.sleep(0);
    expect(gate.active).toBe(0);
  });

  test("the generator's refusal (the budget) is answered, and its slot given back", async () => {
    const llm = { ...createOfflineClient({ chunkDelayMs: 0 }), free: false };
    const { generator } = routeContext({}, { llm, maxCostUsd: 0, price: explicitPrice(3, 15) });
    const gate = createGate({ max: 1, queue: 0, queueTimeoutMs: 1000 });
    const a = await admit(generator, { ...OPEN, gate }, request(), IO.key, IO);
    if (!("response" in a)) throw new Error("expected a refusal");
    expect(a.response.status).toBe(503);
    expect(a.response.headers.get("retry-after")).toBe("3600");
    expect(gate.active).toBe(0);
  });

  test("neither a flight nor a mapping is a caller's mistake, said as such", async () => {
    const { generator } = held();
    await expect(admit(generator, OPEN, request(), IO.key, null)).rejects.toThrow(
      /neither a flight/,
    );
  });
});

describe("headRefusal and isRefusedBot", () => {
  test("HEAD gets the refusal GET would get, and nothing for a page under way", () => {
    const img = request({ "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" });
    expect(headRefusal(OPEN, request(), false)).toBeNull();
    expect(headRefusal(OPEN, img, false)?.status).toBe(503);
    expect(headRefusal(OPEN, img, true)).toBeNull();
    const bot = request(NAVIGATE, GOOGLEBOT);
    expect(headRefusal(OPEN, bot, true)?.headers.get("retry-after")).toBe("86400");
  });

  test("a crawler is refused under `cached` and `deny`, never under `allow`; a browser never", () => {
    const bot = request(NAVIGATE, GOOGLEBOT);
    expect(isRefusedBot(OPEN, bot)).toBe(true);
    expect(isRefusedBot({ ...OPEN, botPolicy: "deny" }, bot)).toBe(true);
    expect(isRefusedBot({ ...OPEN, botPolicy: "allow" }, bot)).toBe(false);
    expect(isRefusedBot(OPEN, request())).toBe(false);
  });
});
