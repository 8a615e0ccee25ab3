// What an operator does to a page (http/routes/admin/actions.ts), on a real store and generator:
// purge, regenerate (started before the purge, so a refused start keeps the page), roll back;
// replicas hand the request to the primary; every answer is a 303 to a flash.

import { afterEach, describe, expect, test } from "bun:test";
import { type ActionName, runAction } from "../../../../src/http/routes/admin/actions.ts";
import { createOfflineClient } from "../../../../src/llm/offline.ts";
import { explicitPrice } from "../../../../src/llm/prices.ts";
import type { Cluster } from "../../../../src/store/litefs.ts";
import { htmlDoc } from "../../../fixtures/fake-anthropic.ts";
import {
  closeRouteContexts,
  heldClient,
  IO,
  routeContext,
} from "../../../fixtures/route-context.ts";
import { seedPage } from "../../../fixtures/seed.ts";
import { memoryLogger } from "../../../fixtures/site.ts";

afterEach(closeRouteContexts);

function actions(o: { cluster?: Cluster; capped?: boolean; held?: boolean } = {}) {
  const offline = createOfflineClient({ chunkDelayMs: 0 });
  const llm = o.held ? heldClient().llm : o.capped ? { ...offline, free: false } : offline;
  const gen = o.capped ? { llm, maxCostUsd: 0, price: explicitPrice(3, 15) } : { llm };
  const ctx = routeContext({}, gen);
  const logger = memoryLogger();
  const deps = {
    store: ctx.store,
    generator: ctx.generator,
    cluster: o.cluster ?? ctx.cluster,
    clock: ctx.clock,
    logger,
  };
  const run = async (name: ActionName, form: Record<string, string>) => {
    const req = new Request(`http://site.test/__admin/${name}`, { method: "POST" });
    const res = await runAction(deps, req, name, new URLSearchParams(form));
    const location = res.headers.get("location") ?? "";
    const q = new URL(location, "http://site.test").searchParams;
    return { res, status: res.status, location, done: q.get("done"), key: q.get("key") };
  };
  return { ctx, run, logger };
}

describe("purge", () => {
  test("a cached page is purged, its mapping kept; the answer says so", async () => {
    const { ctx, run, logger } = actions();
    expect(await run("purge", { key: "/" })).toMatchObject({
      status: 303,
      done: "purged",
      key: "/",
    });
    expect(ctx.store.hasPage("/")).toBe(false);
    expect(ctx.store.getMapping("/")).not.toBeNull();
    expect(logger.lines.at(-1)?.args).toEqual([
      "admin action",
      { action: "purge", key: "/", result: "purged" },
    ]);
  });

  test("a page not cached: nothing to purge, said as such", async () => {
    const { run } = actions();
    expect(await run("purge", { key: "/io.html" })).toMatchObject({ done: "not-cached" });
  });

  test("any spelling of a path is its key; no key at all is a flash of its own", async () => {
    const { ctx, run } = actions();
    expect(await run("purge", { key: "/index.html" })).toMatchObject({ done: "purged", key: "/" });
    expect(ctx.store.hasPage("/")).toBe(false);
    expect(await run("purge", {})).toMatchObject({ status: 303, done: "no-key", key: "" });
    expect(await run("purge", { key: "" })).toMatchObject({ done: "no-key" });
  });
});

describe("regenerate", () => {
  test("starts the page anew and drops the cached copy", async () => {
    const { ctx, run } = actions({ held: true });
    expect(await run("regenerate", { key: "/" })).toMatchObject({ done: "regenerating" });
    expect(ctx.generator.get("/")).toBeDefined();
    expect(ctx.store.hasPage("/")).toBe(false);
  });

  test("refused by the budget: the cached page is kept", async () => {
    const { ctx, run } = actions({ capped: true });
    expect(await run("regenerate", { key: "/" })).toMatchObject({ done: "budget" });
    expect(ctx.store.hasPage("/")).toBe(true);
    expect(ctx.generator.inFlight).toBe(0);
  });

  test("a key with no prompt cannot be written", async () => {
    const { run } = actions();
    expect(await run("regenerate", { key: "/nowhere.html" })).toMatchObject({ done: "no-mapping" });
  });
});

describe("rollback", () => {
  /** `/io.html` written twice: version 1 kept, version 2 current. */
  function twice(o: { held?: boolean } = {}) {
    const a = actions(o);
    seedPage(a.ctx.store, IO.key, { html: htmlDoc("First Io") });
    a.ctx.store.purge([IO.key]);
    seedPage(a.ctx.store, IO.key, { html: htmlDoc("Second Io") });
    return a;
  }

  test("a kept version is made current; the answer goes to the page's versions", async () => {
    const { ctx, run } = twice();
    const r = await run("rollback", { key: IO.key, version: "1" });
    expect(r.status).toBe(303);
    expect(r.location).toStartWith("/__admin/versions?");
    expect(r).toMatchObject({ done: "rolled-back", key: IO.key });
    expect(ctx.store.getPage(IO.key)?.html).toContain("First Io");
    expect(await run("rollback", { key: IO.key, version: "3" })).toMatchObject({
      done: "no-version",
    });
  });

  test("not while the page is being written: it would be dropped when the writing ends", async () => {
    const { ctx, run } = twice({ held: true });
    ctx.generator.start(IO);
    expect(await run("rollback", { key: IO.key, version: "1" })).toMatchObject({ done: "busy" });
    expect(ctx.store.getPage(IO.key)?.html).toContain("Second Io");
  });
});

test("on a replica every action is handed to the primary, nothing written here", async () => {
  const replica: Cluster = { role: () => ({ primary: false, host: "machine-1" }) };
  const { ctx, run } = actions({ cluster: replica });
  for (const name of ["purge", "regenerate", "rollback"] as const) {
    const r = await run(name, { key: "/" });
    expect(r.status).toBe(409);
    expect(r.res.headers.get("fly-replay")).toBe("instance=machine-1");
  }
  expect(ctx.store.hasPage("/")).toBe(true);
  expect(ctx.generator.inFlight).toBe(0);
});
