// Faults under the real LiteFS (see test/deploy/litefs.test.ts for the cluster): the primary's
// rabbithole killed mid-generation, the primary's LiteFS killed, a SIGTERM through LiteFS. The
// replica keeps serving what it has, nothing half-written is cached, and the database stays whole.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LiteFSNode } from "../../scripts/litefs-cluster.ts";
import {
  hasPage,
  linked,
  litefsSkipReason,
  pace,
  pageHtml,
  peek,
  startTestCluster,
  type TestCluster,
  until,
} from "../fixtures/litefs.ts";

const SKIP = litefsSkipReason();
if (SKIP) console.warn(`skipping the LiteFS fault tests: ${SKIP}`);

let c: TestCluster;
const get = (url: string) => fetch(url, { redirect: "manual" });
const text = async (url: string) => (await get(url)).text();

/** Starts a slow generation of `key` on the primary; resolves once the upstream is streaming. */
async function midGeneration(key: string) {
  Object.assign(pace, { chunkSize: 80, chunkDelayMs: 60 });
  const calls = c.fake.calls;
  // A killed server resets the visitor's connection: that is the fault, not a failure.
  const visitor = get(`${c.primary.proxyUrl}${key}`)
    .then((r) => r.text())
    .catch(() => "");
  await until(() => c.fake.calls > calls);
  await Bun.sleep(300);
  Object.assign(pace, { chunkSize: 200, chunkDelayMs: 0 });
  return { visitor };
}

function readPrimary(): string | null {
  try {
    return readFileSync(join(c.replica.mount, ".primary"), "utf8");
  } catch {
    return null;
  }
}

function integrity(node: LiteFSNode) {
  return peek(node, (db) => db.query("PRAGMA integrity_check").get());
}

/** The replica still serves the pages it had while the primary is down. */
async function replicaServesCached() {
  for (const key of ["/", linked(1)]) {
    expect(await text(`${c.replica.proxyUrl}${key}`)).toBe(pageHtml(key));
  }
}

/** A page made on the primary now reaches the replica: replication resumed. */
async function replicaCatchesUp(key: string) {
  expect(await text(`${c.primary.proxyUrl}${key}`)).toBe(pageHtml(key));
  await until(async () => (await get(`${c.replica.proxyUrl}${key}`)).status === 200, 10_000);
}

describe.skipIf(SKIP !== null)("faults in a LiteFS cluster", () => {
  beforeAll(async () => {
    c = await startTestCluster();
    for (const key of ["/", linked(1)]) await text(`${c.primary.proxyUrl}${key}`);
    await until(() => hasPage(c.replica, linked(1)));
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
  }, 60_000);

  test("kill -9 of the primary's rabbithole mid-generation: LiteFS exits, nothing half-written", async () => {
    const { visitor } = await midGeneration(linked(2));
    const [app] = c.primary.apps;
    expect(app).toBeGreaterThan(0);
    process.kill(app as number, "SIGKILL");
    expect(await visitor).not.toBe(pageHtml(linked(2)));
    await c.primary.proc?.exited;
    await replicaServesCached();
    // Cut off from its primary the replica has no `.primary`: it must still not write. It
    // took itself for the primary here once, paid for a generation and failed to store it.
    await until(() => readPrimary() === null);
    const calls = c.fake.calls;
    const miss = await get(`${c.replica.proxyUrl}${linked(7)}`);
    expect({ status: miss.status, retry: miss.headers.get("retry-after") }).toEqual({
      status: 503,
      retry: "1",
    });
    expect(c.fake.calls).toBe(calls);
    await c.restart(c.primary);
    expect(hasPage(c.primary, linked(2))).toBe(false);
    expect(integrity(c.primary)).toEqual({ integrity_check: "ok" });
    await replicaCatchesUp(linked(3));
  }, 30_000);

  test("kill -9 of the primary's LiteFS mid-generation: restart, integrity ok, catch up", async () => {
    const { visitor } = await midGeneration(linked(4));
    c.primary.proc?.kill("SIGKILL");
    await c.primary.proc?.exited;
    await replicaServesCached();
    // The orphaned rabbithole finishes its stream but cannot store it: the mount is gone.
    await visitor;
    await c.restart(c.primary);
    expect(hasPage(c.primary, linked(4))).toBe(false);
    expect(integrity(c.primary)).toEqual({ integrity_check: "ok" });
    expect(integrity(c.replica)).toEqual({ integrity_check: "ok" });
    await replicaCatchesUp(linked(5));
  }, 30_000);

  test("SIGTERM through LiteFS mid-generation: the page finishes within the grace period and replicates", async () => {
    const { visitor } = await midGeneration(linked(6));
    const t0 = performance.now();
    c.primary.proc?.kill("SIGTERM");
    expect(await visitor).toBe(pageHtml(linked(6)));
    expect(await c.primary.proc?.exited).toBe(0);
    // RABBITHOLE_GRACE_PERIOD is 10 s; the rest of the stream takes about 1.5 s.
    expect(performance.now() - t0).toBeLessThan(10_000);
    // It reached the replica before LiteFS let go of the lease: served there with the primary down.
    await until(() => hasPage(c.replica, linked(6)), 2000);
    expect(await text(`${c.replica.proxyUrl}${linked(6)}`)).toBe(pageHtml(linked(6)));
    await c.restart(c.primary);
    expect(hasPage(c.primary, linked(6))).toBe(true);
  }, 30_000);

  test("the replica never tried to write (LiteFS logs no read-only refusal)", () => {
    expect(c.replica.log()).not.toContain("read only replica");
    expect(c.replica.log()).not.toMatch(/disk I\/O error|readonly database/);
  });
});
