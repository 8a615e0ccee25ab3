// The system routes (http/routes/system.ts): /__health says the role, the pages under way and
// refused writes; /__ready says where a page is, from cached to unknown, never starting one,
// and answers bad input in JSON.

import { afterEach, describe, expect, test } from "bun:test";
import { HttpError, UpstreamError } from "../../../src/core/errors.ts";
import { type LlmClient, ZERO_USAGE } from "../../../src/core/types.ts";
import { createGenerator } from "../../../src/generate/generator.ts";
import type { RouteContext } from "../../../src/http/routes/context.ts";
import { serveSystem } from "../../../src/http/routes/system.ts";
import { createOfflineClient } from "../../../src/llm/offline.ts";
import { explicitPrice } from "../../../src/llm/prices.ts";
import {
  CHROME,
  closeRouteContexts,
  heldClient,
  IO,
  routeContext,
} from "../../fixtures/route-context.ts";
import { memoryLogger } from "../../fixtures/site.ts";

afterEach(closeRouteContexts);

const REPLICA = { role: () => ({ primary: false as const, host: "machine-1" }) };
const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/** A client whose every call fails after spending `usage` (an upstream 500 mid-page). */
function failing(inputTokens = 0): LlmClient {
  return {
    model: "failing",
    provider: "test",
    free: false,
    async generate() {
      throw new UpstreamError("upstream 500", "server", { ...ZERO_USAGE, inputTokens });
    },
  };
}

function get(ctx: RouteContext, path: string, headers: Record<string, string> = {}) {
  const url = `http://rabbithole.test${path}`;
  const req = new Request(url, { headers: { "user-agent": CHROME, ...headers } });
  const q = path.indexOf("?");
  return serveSystem(ctx, req, q === -1 ? path : path.slice(0, q));
}

async function ready(ctx: RouteContext, url: string, headers: Record<string, string> = {}) {
  const res = await get(ctx, `/__ready?url=${encodeURIComponent(url)}`, headers);
  return { status: res.status, retry: res.headers.get("retry-after"), ...(await res.json()) };
}

describe("/__health", () => {
  test("ok, the role, and the pages under way", async () => {
    const { llm } = heldClient();
    const ctx = routeContext({}, { llm });
    expect(await (await get(ctx, "/__health")).json()).toEqual({
      status: "ok",
      role: "primary",
      inFlight: 0,
    });
    ctx.generator.start(IO);
    const replica = { ...ctx, cluster: REPLICA };
    const res = await get(replica, "/__health");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok", role: "replica", inFlight: 1 });
  });

  test("spend the database refused to record is shown, with writes refused", async () => {
    const ctx = routeContext();
    const store = {
      ...ctx.store,
      recordAttempt: () => {
        throw new Error("disk full");
      },
    };
    const generator = createGenerator({
      store,
      llm: failing(100_000),
      clock: ctx.clock,
      logger: memoryLogger(),
      depthLimit: 5,
      maxTokens: 8192,
      maxCostUsd: null,
      price: explicitPrice(3, 15),
    });
    const flight = generator.start(IO);
    if ("ok" in flight) throw new Error("expected a flight");
    await flight.done;
    expect(await (await get({ ...ctx, generator }, "/__health")).json()).toEqual({
      status: "ok",
      role: "primary",
      inFlight: 0,
      writes: "refused",
      unrecordedUsd: 0.3,
    });
  });
});

describe("/__ready", () => {
  test("a cached page is ready; one under way is generating (202)", async () => {
    const { llm } = heldClient();
    const ctx = routeContext({}, { llm });
    expect(await ready(ctx, "/")).toMatchObject({ status: 200, state: "ready" });
    ctx.generator.start(IO);
    expect(await ready(ctx, "/io.html")).toMatchObject({ status: 202, state: "generating" });
  });

  test("linked but not started is pending (202), and a poll never starts it", async () => {
    const ctx = routeContext();
    expect(await ready(ctx, "/io.html")).toMatchObject({ status: 202, state: "pending" });
    expect(ctx.generator.inFlight).toBe(0);
  });

  test("a crawler's poll for a page it could not start is refused like its GET", async () => {
    const ctx = routeContext();
    const bot = await ready(ctx, "/io.html", { "user-agent": GOOGLEBOT });
    expect(bot).toMatchObject({ status: 503, state: "refused", retry: "86400" });
  });

  test("a key nobody linked to is unknown (404); any spelling of a key is read as its key", async () => {
    const ctx = routeContext();
    expect(await ready(ctx, "/nowhere.html")).toMatchObject({ status: 404, state: "unknown" });
    expect(await ready(ctx, "/a/../io.html")).toMatchObject({ state: "pending" });
    expect(await ready(ctx, "/index.html")).toMatchObject({ state: "ready" });
  });

  test("a failed page cooling down says how long, by the context's clock", async () => {
    let now = 1_000_000;
    const clock = { now: () => now };
    const ctx = routeContext({ clock }, { llm: failing(), failureCooldownMs: 30_000, clock });
    const flight = ctx.generator.start(IO);
    if ("ok" in flight) throw new Error("expected a flight");
    await flight.done;
    expect(await ready(ctx, "/io.html")).toMatchObject({
      status: 503,
      state: "failed",
      retry: "30",
    });
    now += 10_500;
    expect((await ready(ctx, "/io.html")).retry).toBe("20");
  });

  test("a failure without a cool-down: its kind, and the wait that kind has", async () => {
    const failed = routeContext({}, { llm: failing(), failureCooldownMs: 0 });
    const flight = failed.generator.start(IO);
    if ("ok" in flight) throw new Error("expected a flight");
    await flight.done;
    expect(await ready(failed, "/io.html")).toMatchObject({ state: "failed", retry: "5" });
    const llm = { ...createOfflineClient(), free: false };
    const capped = routeContext({}, { llm, maxCostUsd: 0, price: explicitPrice(3, 15) });
    capped.generator.start(IO);
    expect(await ready(capped, "/io.html")).toMatchObject({
      status: 503,
      state: "budget",
      retry: "3600",
    });
  });

  test("on a replica a page not cached here is replayed on the primary", async () => {
    const ctx = routeContext({ cluster: REPLICA });
    const res = await get(ctx, "/__ready?url=/io.html");
    expect(res.status).toBe(409);
    expect(res.headers.get("fly-replay")).toBe("instance=machine-1");
    expect(await ready(ctx, "/")).toMatchObject({ state: "ready" });
  });

  test("bad input is answered in JSON: no url, or a url that is no key", async () => {
    const ctx = routeContext();
    for (const path of ["/__ready", "/__ready?other=1", "/__ready?url="]) {
      const res = await get(ctx, path);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        state: "invalid",
        error: expect.stringContaining("url"),
      });
    }
    const bad = await get(ctx, "/__ready?url=%25zz");
    expect(bad.status).toBe(400);
    expect((await bad.json()).state).toBe("invalid");
    const long = await get(ctx, `/__ready?url=/${"x".repeat(2000)}`);
    expect(long.status).toBe(414);
  });
});

test("any other /__ path is a 404 HttpError, for the dispatcher to answer as a page", async () => {
  const ctx = routeContext();
  const err = await get(ctx, "/__nothing").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(HttpError);
  expect((err as HttpError).status).toBe(404);
});
