// A failing page cools down: visits within the cool-down get its failure page, saying when it
// will be tried again, and make no paid call.

import { afterEach, expect, test } from "bun:test";
import { createCooldown } from "../../src/generate/cooldown.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { type Site, startSite } from "../fixtures/site.ts";

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

const broken = { httpError: { status: 500, type: "api_error" } } as const;

test("three visits to a failing page within the cool-down make one paid call", async () => {
  site = startSite({ handler: () => broken, failureCooldownMs: 30_000 });
  const visits = [];
  for (let i = 0; i < 3; i++) visits.push(await site.get("/"));
  expect(site.fake.calls).toBe(1);
  expect(site.store.stats().attempts).toBe(1);
  for (const v of visits) {
    expect(v.status).toBe(503);
    expect(v.body).toContain("tried again from");
    const wait = Number(v.res.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(25);
    expect(wait).toBeLessThanOrEqual(30);
  }
  expect(site.app.generator.coolingUntil("/")).toBeGreaterThan(Date.now() + 25_000);
  // /__ready says so too, with the same wait.
  const ready = await site.request("/__ready?url=/");
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ state: "failed" });
  expect(Number(ready.headers.get("retry-after"))).toBeGreaterThan(25);
});

test("a purge forgets the failure: the next visit tries again", async () => {
  let calls = 0;
  site = startSite({
    handler: () => (++calls === 1 ? broken : { text: pageReply(htmlDoc("Home")) }),
    failureCooldownMs: 30_000,
  });
  expect((await site.get("/")).status).toBe(503);
  site.app.generator.forgetFailure("/");
  expect((await site.get("/")).status).toBe(200);
  expect(site.fake.calls).toBe(2);
});

test("the cool-down doubles with each failure in a row, up to its ceiling, and a success ends it", () => {
  let now = 0;
  const c = createCooldown({ now: () => now }, 30_000, 3_600_000);
  expect(c.failed("/a")).toBe(30_000);
  expect(c.cooling("/a")).toEqual({ failures: 1, until: 30_000 });
  now = 30_000;
  expect(c.cooling("/a")).toBeNull();
  expect(c.failed("/a")).toBe(90_000);
  now = 90_000;
  expect(c.failed("/a")).toBe(210_000);
  for (let i = 0; i < 10; i++) c.failed("/a");
  expect(c.cooling("/a")?.until).toBe(90_000 + 3_600_000);
  expect(c.cooling("/b")).toBeNull();
  c.succeeded("/a");
  expect(c.cooling("/a")).toBeNull();
});
