import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../src/app/build.ts";
import { createAnthropicClient } from "../../src/llm/anthropic.ts";
import { priceFor } from "../../src/llm/prices.ts";
import { litefsCluster } from "../../src/store/litefs.ts";
import { openRoleAwareStore } from "../../src/store/role-aware.ts";
import { openStore } from "../../src/store/store.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../fixtures/fake-anthropic.ts";
import { MODEL, memoryLogger, testConfig, treeHandler } from "../fixtures/site.ts";

let dir: string;
let fake: FakeAnthropic;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A simulated LiteFS mount: the database a primary wrote, then `.primary` says who it is. */
async function mount() {
  dir = mkdtempSync(join(tmpdir(), "rabbithole-litefs-"));
  const dbPath = join(dir, "rabbithole.db");
  fake = startFakeAnthropic(treeHandler);
  const cluster = litefsCluster(dbPath);
  const build = () => {
    const store = openRoleAwareStore(dbPath, cluster);
    closers.push(() => store.close());
    const llm = createAnthropicClient({
      apiKey: "sk-ant-test",
      baseURL: fake.url,
      model: MODEL,
      webTools: false,
      maxRetries: 0,
    });
    const app = buildApp({
      store,
      llm,
      price: priceFor(MODEL),
      cluster,
      logger: memoryLogger(),
      config: testConfig(),
    });
    closers.unshift(() => app.close());
    return {
      store,
      app,
      get: (p: string, init?: RequestInit) => app.fetch(new Request(`http://x${p}`, init)),
    };
  };
  // The primary writes the homepage first.
  const primary = build();
  primary.store.setSeed("space");
  expect((await primary.get("/")).status).toBe(200);
  await primary.app.generator.drain();
  primary.store.close();
  return {
    dbPath,
    build,
    setPrimary: (host: string | null) => {
      const marker = join(dir, ".primary");
      if (host === null) unlinkSync(marker);
      else writeFileSync(marker, `${host}\n`);
    },
  };
}

describe("on a LiteFS replica", () => {
  test("hits are served, misses are replayed to the primary, nothing is written", async () => {
    const m = await mount();
    m.setPrimary("machine-a1");
    const before = readFileSync(m.dbPath);
    const calls = fake.calls;
    const replica = m.build();

    const hit = await replica.get("/");
    expect(hit.status).toBe(200);
    expect(await hit.text()).toContain("<h1>Page /</h1>");

    for (const path of ["/p-a.html", "/never-linked.html"]) {
      const miss = await replica.get(path);
      expect(miss.status).toBe(409);
      expect(miss.headers.get("fly-replay")).toBe("instance=machine-a1");
    }
    const ready = await replica.get("/__ready?url=/p-a.html");
    expect(ready.status).toBe(409);
    const health = await replica.get("/__health");
    expect((await health.json()).role).toBe("replica");

    expect(fake.calls).toBe(calls);
    replica.store.close();
    expect(readFileSync(m.dbPath).equals(before)).toBe(true);
    expect(existsSync(`${m.dbPath}-journal`)).toBe(false);
  });

  test("a request that was already replayed is not bounced again", async () => {
    const m = await mount();
    m.setPrimary("machine-a1");
    const replica = m.build();
    const res = await replica.get("/p-a.html", { headers: { "fly-replay-src": "instance=x" } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("fly-replay")).toBeNull();
  });

  test("the primary moving is followed while running", async () => {
    const m = await mount();
    m.setPrimary("machine-a1");
    const node = m.build();
    expect((await node.get("/p-a.html")).headers.get("fly-replay")).toBe("instance=machine-a1");

    m.setPrimary("machine-b2");
    expect((await node.get("/p-a.html")).headers.get("fly-replay")).toBe("instance=machine-b2");

    // This machine wins the lease: `.primary` disappears and it generates and writes itself.
    m.setPrimary(null);
    const res = await node.get("/p-a.html");
    expect(res.status).toBe(200);
    await res.text();
    await node.app.generator.drain();
    expect(node.store.getPage("/p-a.html")).not.toBeNull();
    expect((await (await node.get("/__health")).json()).role).toBe("primary");

    // And loses it again: back to replaying misses.
    m.setPrimary("machine-c3");
    expect((await node.get("/p-b.html")).status).toBe(409);
  });

  test("cut off from its primary (no `.primary`, `.lag` not 0) a replica still never writes", async () => {
    const m = await mount();
    const lag = join(dir, ".lag");
    writeFileSync(lag, "+2147483647\n");
    const calls = fake.calls;
    const node = m.build();
    expect((await node.get("/")).status).toBe(200);
    const miss = await node.get("/p-a.html");
    expect(miss.status).toBe(503);
    expect(miss.headers.get("retry-after")).toBe("1");
    expect(fake.calls).toBe(calls);
    // LiteFS writes 0 only while this machine holds the lease.
    writeFileSync(lag, "+0000000000\n");
    const res = await node.get("/p-a.html");
    expect(res.status).toBe(200);
    await res.text();
  });

  test("a replica whose database has not replicated yet reads as empty, then catches up", async () => {
    dir = mkdtempSync(join(tmpdir(), "rabbithole-litefs-"));
    fake = startFakeAnthropic(treeHandler);
    const dbPath = join(dir, "rabbithole.db");
    writeFileSync(join(dir, ".primary"), "machine-a1\n");
    const store = openRoleAwareStore(dbPath, litefsCluster(dbPath));
    closers.push(() => store.close());
    expect(store.getPage("/")).toBeNull();
    expect(existsSync(dbPath)).toBe(false);
    const primary = openStore(dbPath);
    primary.setSeed("space");
    primary.close();
    expect(store.getMapping("/")?.prompt).toBe("space");
  });
});
