// rabbithole under the real LiteFS: two `litefs mount` processes on loopback, configured from the
// shipped etc/litefs.yml, running the compiled binary the way the Fly image does. Requests go
// through the LiteFS proxy ports, as Fly's would (one test talks to the apps, the proxy-free
// setup). The tests share one cluster and run in order; faults: test/deploy/litefs-faults.test.ts.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PRIMARY_HOSTNAME } from "../../scripts/litefs-cluster.ts";
import { SCHEMA_VERSION } from "../../src/store/schema.ts";
import {
  ADMIN_TOKEN,
  hasPage,
  linked,
  litefsSkipReason,
  pace,
  pageHtml,
  peek,
  readPrimaryFile,
  startTestCluster,
  type TestCluster,
  until,
} from "../fixtures/litefs.ts";

const SKIP = litefsSkipReason();
if (SKIP) console.warn(`skipping the LiteFS cluster tests: ${SKIP}`);

let c: TestCluster;
const get = (url: string, init: RequestInit = {}) => fetch(url, { redirect: "manual", ...init });

describe.skipIf(SKIP !== null)("a two-node LiteFS cluster", () => {
  beforeAll(async () => {
    c = await startTestCluster();
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
  }, 60_000);

  test("a brand-new cluster: migrate runs on the primary before the server, WAL through FUSE", () => {
    const log = c.primary.log();
    const migrated = log.indexOf(`[migrate]`);
    expect(migrated).toBeGreaterThan(0);
    expect(log.indexOf(`is at schema version ${SCHEMA_VERSION}`)).toBeGreaterThan(migrated);
    expect(log.indexOf("starting background subprocess")).toBeGreaterThan(migrated);
    expect(c.replica.log()).toContain("node is not a candidate, skipping command execution");
    for (const node of [c.primary, c.replica]) {
      const state = peek(node, (db) => ({
        journal: db.query("PRAGMA journal_mode").get(),
        version: db.query("PRAGMA user_version").get(),
        integrity: db.query("PRAGMA integrity_check").get(),
      }));
      expect(state).toEqual({
        journal: { journal_mode: "wal" },
        version: { user_version: SCHEMA_VERSION },
        integrity: { integrity_check: "ok" },
      });
    }
  });

  test("`rabbithole migrate` on the replica does no harm", async () => {
    const before = readFileSync(join(c.replica.mount, "rabbithole.db-pos"), "utf8");
    const run = Bun.spawnSync([c.bin, "migrate"], {
      env: { ...c.env, DATABASE_URL: `sqlite://${c.replica.dbPath}` },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.toString()).toContain(`replica of ${PRIMARY_HOSTNAME}`);
    expect(readFileSync(join(c.replica.mount, "rabbithole.db-pos"), "utf8")).toBe(before);
  });

  let streamedKey = linked(1);
  test("a new page streams live through the primary's proxy, unbuffered, and is cached", async () => {
    // About 27 chunks 50 ms apart: the upstream takes over a second.
    expect(await (await get(`${c.primary.proxyUrl}/`)).text()).toBe(pageHtml("/"));
    Object.assign(pace, { chunkSize: 80, chunkDelayMs: 50 });
    const t0 = performance.now();
    const res = await get(`${c.primary.proxyUrl}${streamedKey}`);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let firstMs = 0;
    let body = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!firstMs && value.length) firstMs = performance.now() - t0;
      body += decoder.decode(value);
    }
    const totalMs = performance.now() - t0;
    Object.assign(pace, { chunkSize: 200, chunkDelayMs: 0 });
    expect(body).toBe(pageHtml(streamedKey));
    expect(totalMs).toBeGreaterThan(1000);
    expect(firstMs).toBeLessThan(totalMs / 3);
    const calls = c.fake.calls;
    const again = await get(`${c.primary.proxyUrl}${streamedKey}`);
    expect(await again.text()).toBe(pageHtml(streamedKey));
    expect(c.fake.calls).toBe(calls);
  });

  test("pages reach the replica by replication and are served there with no upstream call", async () => {
    const delays: number[] = [];
    for (const key of [2, 3, 4, 5, 6].map(linked)) {
      expect(await (await get(`${c.primary.proxyUrl}${key}`)).text()).toBe(pageHtml(key));
      const calls = c.fake.calls;
      delays.push(
        await until(async () => (await get(`${c.replica.proxyUrl}${key}`)).status === 200, 1000),
      );
      expect(await (await get(`${c.replica.proxyUrl}${key}`)).text()).toBe(pageHtml(key));
      expect(c.fake.calls).toBe(calls);
    }
    console.log(
      `replication to the replica, visible over HTTP: ${delays.map((d) => d.toFixed(0)).join(", ")} ms`,
    );
    expect(await (await get(`${c.replica.proxyUrl}${streamedKey}`)).text()).toBe(
      pageHtml(streamedKey),
    );
  });

  test("a miss on the replica: 409 fly-replay naming what LiteFS wrote in .primary", async () => {
    const primary = readPrimaryFile(c.replica);
    expect(primary).toBe(PRIMARY_HOSTNAME);
    const calls = c.fake.calls;
    const viaProxy = await get(`${c.replica.proxyUrl}/never-seen.html`);
    const direct = await get(`${c.replica.appUrl}/never-seen.html`);
    for (const res of [viaProxy, direct]) {
      expect(res.status).toBe(409);
      expect(res.headers.get("fly-replay")).toBe(`instance=${primary}`);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    expect(c.fake.calls).toBe(calls);
  });

  test("an admin purge sent to the replica takes effect on the primary and replicates", async () => {
    streamedKey = linked(2);
    const purge = (base: string, replaySrc?: string) =>
      get(`${base}/__admin/purge`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          "content-type": "application/x-www-form-urlencoded",
          ...(replaySrc ? { "fly-replay-src": replaySrc } : {}),
        },
        body: `key=${encodeURIComponent(streamedKey)}`,
      });
    // The replica's LiteFS proxy answers a POST itself; Fly's edge would replay it.
    const bounced = await purge(c.replica.proxyUrl);
    expect(bounced.headers.get("fly-replay")).toBe(`instance=${PRIMARY_HOSTNAME}`);
    expect(hasPage(c.primary, streamedKey)).toBe(true);
    // Sent straight to the replica's app (no proxy in front), the app bounces it the same way.
    const direct = await purge(c.replica.appUrl);
    expect(direct.status).toBe(409);
    expect(direct.headers.get("fly-replay")).toBe(`instance=${PRIMARY_HOSTNAME}`);
    // What Fly's edge does with the answer: replay it on the named instance.
    const replayed = await purge(c.primary.proxyUrl, "instance=replica");
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get("location")).toContain("purged");
    expect(hasPage(c.primary, streamedKey)).toBe(false);
    await until(() => !hasPage(c.replica, streamedKey), 2000);
    // The replica's own memory drops it within its purge poll.
    await until(async () => (await get(`${c.replica.proxyUrl}${streamedKey}`)).status === 409);
  });
  test("versions replicate; export reads a replica without writing; a rollback runs on the primary only", async () => {
    // The page the purge above dropped was kept as a version, on both machines.
    const kept = (node: typeof c.primary) =>
      peek(node, (db) =>
        db.query("SELECT version FROM page_versions WHERE key = ?").all(streamedKey),
      );
    expect(kept(c.primary)).toEqual([{ version: 1 }]);
    await until(() => kept(c.replica).length === 1, 2000);
    const onReplica = { ...c.env, DATABASE_URL: `sqlite://${c.replica.dbPath}` };
    const pos = () => readFileSync(join(c.replica.mount, "rabbithole.db-pos"), "utf8");
    const before = pos();
    const out = join(c.dir, "export-from-replica");
    const exported = Bun.spawnSync([c.bin, "export", out, "--json"], { env: onReplica });
    expect(exported.exitCode).toBe(0);
    expect(JSON.parse(exported.stdout.toString()).pages).toBeGreaterThan(0);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("<html");
    const refused = Bun.spawnSync([c.bin, "rollback", streamedKey], { env: onReplica });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr.toString()).toContain(
      `LiteFS replica (the primary is ${PRIMARY_HOSTNAME})`,
    );
    expect(pos()).toBe(before);
    // The admin's rollback, replayed on the primary as Fly would, replicates to the replica.
    const rolled = await get(`${c.primary.proxyUrl}/__admin/rollback`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        "content-type": "application/x-www-form-urlencoded",
        "fly-replay-src": "instance=replica",
      },
      body: `key=${encodeURIComponent(streamedKey)}`,
    });
    expect(rolled.headers.get("location")).toContain("done=rolled-back");
    await until(() => hasPage(c.replica, streamedKey), 2000);
    // The replica serves the restored page (its 409 for the purged one ends at its next poll).
    await until(async () => (await get(`${c.replica.proxyUrl}${streamedKey}`)).status === 200);
    expect(await (await get(`${c.replica.proxyUrl}${streamedKey}`)).text()).toBe(
      pageHtml(streamedKey),
    );
  });

  test("Fly's traffic straight to the apps (internal_port 8081): each app replays what only the primary does", async () => {
    // The proxy-free setup README.md offers: Fly's edge talks to the apps, and acts on fly-replay.
    const edge = async (node: typeof c.primary, path: string, init: RequestInit = {}) => {
      const res = await get(`${node.appUrl}${path}`, init);
      const replay = res.headers.get("fly-replay");
      if (!replay) return res;
      expect(replay).toBe(`instance=${readPrimaryFile(c.replica)}`);
      const headers = {
        ...(init.headers as Record<string, string>),
        "fly-replay-src": "instance=replica",
      };
      return get(`${c.primary.appUrl}${path}`, { ...init, headers });
    };
    const key = linked(10);
    const calls = c.fake.calls;
    // A miss on the replica is generated on the primary, once, and replicates.
    const first = await edge(c.replica, key);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(pageHtml(key));
    expect(c.fake.calls).toBe(calls + 1);
    await until(() => hasPage(c.replica, key), 2000);
    const hit = await get(`${c.replica.appUrl}${key}`);
    expect(await hit.text()).toBe(pageHtml(key));
    expect(c.fake.calls).toBe(calls + 1);
    // The admin's POST on the replica: the app itself answers 409 fly-replay, Fly replays it.
    const purged = await edge(c.replica, "/__admin/purge", {
      method: "POST",
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: `key=${encodeURIComponent(key)}`,
    });
    expect(purged.status).toBe(303);
    expect(hasPage(c.primary, key)).toBe(false);
    await until(async () => (await get(`${c.replica.appUrl}${key}`)).status === 409);
  });

  test("health checks pass the replica's proxy at once, whatever write the client last saw", async () => {
    // A __txid far ahead of the replica: a GET the proxy tracks would wait 5 s, then 504.
    const headers = { cookie: "__txid=00000000ffffffff" };
    for (const path of ["/__health", "/__ready?url=/"]) {
      const t0 = performance.now();
      const res = await get(`${c.replica.proxyUrl}${path}`, { headers });
      expect(res.status).toBeLessThan(500);
      expect(performance.now() - t0).toBeLessThan(1000);
    }
  });

  test("the replica never tried to write (LiteFS logs no read-only refusal)", () => {
    expect(c.replica.log()).not.toContain("read only replica");
    expect(c.replica.log()).not.toMatch(/disk I\/O error|readonly database/);
  });
});
