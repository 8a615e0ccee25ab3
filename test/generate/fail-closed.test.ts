// Money fails closed: when the database refuses writes (injected under the store by an SQLite
// trigger from a second connection, as a full disk or an I/O error would refuse them), the paid
// attempt is still logged and counted, new pages stop with 503 and no paid call, and the spend
// reaches the ledger once writes succeed again.

import { Database } from "bun:sqlite";
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBudget } from "../../src/generate/budget.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { keyOf, type Site, startSite } from "../fixtures/site.ts";

let site: Site | undefined;
let dir: string | undefined;
afterEach(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  site = dir = undefined;
});

function refuseWrites(path: string, on: boolean) {
  const db = new Database(path);
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec(
    on
      ? `CREATE TRIGGER refuse BEFORE INSERT ON ledger
         BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END`
      : "DROP TRIGGER refuse",
  );
  db.close();
}

test("a refused write: the spend is held and logged, new pages stop, then it is recorded", async () => {
  dir = mkdtempSync(join(tmpdir(), "rabbithole-fail-closed-"));
  const dbPath = join(dir, "site.db");
  site = startSite({ dbPath, maxCostUsd: 5 });
  const s = site;
  refuseWrites(dbPath, true);

  // Live: the page streamed as it was written, then ends with a notice; nothing is cached.
  await s.get("/");
  expect(s.store.getPage("/")).toBeNull();
  expect(s.fake.calls).toBe(1);
  const paid = s.app.generator.unrecordedUsd();
  expect(paid).toBeGreaterThan(0);
  // Nothing reached the database, yet the budget counts what was paid.
  expect(s.store.spentUsd()).toBe(0);
  expect(s.app.generator.spentUsd()).toBeCloseTo(paid, 9);
  const logged = (msg: string) => s.logger.lines.filter((l) => l.args[0] === msg);
  const generation = logged("generation")[0]?.args[1] as Record<string, unknown>;
  expect(generation).toMatchObject({ key: "/", outcome: "error", stored: false });
  expect(generation.costUsd).toBeCloseTo(paid, 9);
  const refused = s.logger.lines.filter((l) => String(l.args[0]).includes("refused a write"));
  expect(refused).toHaveLength(1);

  // /__health still answers 200 (cached pages are served) and says writes are refused.
  const health = await s.request("/__health");
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ writes: "refused", unrecordedUsd: paid });
  // While writes fail: 503, and no paid call however often it is asked.
  for (let i = 0; i < 3; i++) {
    const again = await s.get("/");
    expect(again.status).toBe(503);
    expect(again.res.headers.get("retry-after")).toBeTruthy();
  }
  expect(s.fake.calls).toBe(1);
  expect(refused).toHaveLength(1);

  // Writes succeed again: the held spend is recorded first, then the page is written.
  refuseWrites(dbPath, false);
  const healed = await s.get("/");
  expect(healed.status).toBe(200);
  expect(s.fake.calls).toBe(2);
  expect(s.app.generator.unrecordedUsd()).toBe(0);
  expect(await (await s.request("/__health")).json()).not.toHaveProperty("writes");
  const stats = s.store.stats();
  expect(stats.attempts).toBe(2);
  expect(stats.failedAttempts).toBe(1);
  expect(stats.spentUsd).toBeCloseTo(s.app.generator.spentUsd(), 9);
  expect(logged("the database accepts writes again: the held spend is recorded")).toHaveLength(1);
});

test("the held spend counts against --max-cost (the ledger alone would say nothing was spent)", async () => {
  dir = mkdtempSync(join(tmpdir(), "rabbithole-fail-closed-"));
  const dbPath = join(dir, "site.db");
  site = startSite({ dbPath, maxCostUsd: 5 });
  refuseWrites(dbPath, true);
  await site.get("/");
  const held = site.app.generator.unrecordedUsd();
  // A budget read from the ledger alone would think nothing was spent.
  expect(site.app.generator.budget.leftUsd()).toBeCloseTo(5 - held, 9);
});

test("a page under way makes no further paid call once the database refuses writes", async () => {
  dir = mkdtempSync(join(tmpdir(), "rabbithole-fail-closed-"));
  const dbPath = join(dir, "site.db");
  const kids = ["/a.html", "/b.html"].map((url) => ({ url, prompt: `The page ${url}` }));
  site = startSite({
    dbPath,
    maxCostUsd: 5,
    handler: (body) => {
      const key = keyOf(body);
      if (key === "/") return pageReply(htmlDoc("Home"), kids);
      // /a.html is cut by max_tokens: it would be continued by a second call.
      if (key === "/a.html") {
        return {
          text: "<!DOCTYPE html><html><body>cut",
          stopReason: "max_tokens",
          firstTokenDelayMs: 300,
        };
      }
      return pageReply(htmlDoc("B"));
    },
  });
  const s = site;
  expect((await s.get("/")).status).toBe(200);
  const a = s.get("/a.html");
  while (s.fake.calls < 2) await Bun.sleep(5);
  refuseWrites(dbPath, true);
  await s.get("/b.html"); // paid, then refused by the database: held
  expect(s.fake.calls).toBe(3);
  await a;
  // /a.html's first call ended after the refusal: no continuation was paid for.
  expect(s.fake.calls).toBe(3);
  const held = s.app.generator.unrecordedUsd();
  const generations = s.logger.lines.filter((l) => l.args[0] === "generation");
  expect(generations).toHaveLength(3);
  refuseWrites(dbPath, false);
  await s.get("/b.html");
  expect(s.store.stats().attempts).toBe(4);
  expect(s.store.spentUsd()).toBeGreaterThan(held);
});

test("the budget never reads spend lower than it knows it spent (the memory floor)", () => {
  let ledger = 0;
  const budget = createBudget(1, () => ledger);
  budget.reserve(0.5)?.settle(0.5);
  // The ledger lost the row (say the file was swapped under the server): the floor holds.
  ledger = 0;
  expect(budget.reserve(0.6)).toBeNull();
  expect(budget.spentUsd).toBe(0.5);
  // A higher figure (another machine's spend, once promoted) is taken.
  ledger = 0.9;
  expect(budget.reserve(0.2)).toBeNull();
  expect(budget.reserve(0.1)).not.toBeNull();
});
