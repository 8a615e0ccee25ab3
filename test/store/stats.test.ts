// The totals behind `rabbithole stats` and the admin view, read straight from the tables.

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { migrate } from "../../src/store/schema.ts";
import { readStats } from "../../src/store/stats.ts";

function db() {
  const d = new Database(":memory:", { strict: true });
  migrate(d);
  return d;
}
function ledger(
  d: Database,
  row: {
    provider?: string;
    model: string;
    outcome?: string;
    cost: number;
    i?: number;
    o?: number;
    cw?: number;
    cr?: number;
    ws?: number;
  },
) {
  d.query(
    `INSERT INTO ledger (key, provider, model, input_tokens, output_tokens, cache_write_tokens,
       cache_read_tokens, web_searches, cost_usd, rounds, outcome, error, started_at, duration_ms)
     VALUES ('/', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, NULL, 0, 0)`,
  ).run(
    row.provider ?? "anthropic",
    row.model,
    row.i ?? 0,
    row.o ?? 0,
    row.cw ?? 0,
    row.cr ?? 0,
    row.ws ?? 0,
    row.cost,
    row.outcome ?? "ok",
  );
}
const mapping = (d: Database, key: string) =>
  d.query("INSERT INTO mappings (key, prompt, depth, created_at) VALUES (?, 'p', 1, 0)").run(key);
const page = (d: Database, key: string) =>
  d
    .query(
      `INSERT INTO pages (key, html, etag, prompt, depth, model, input_tokens, output_tokens,
       cache_write_tokens, cache_read_tokens, web_searches, cost_usd, rounds, gen_ms, created_at)
     VALUES (?, '<p>x</p>', 'e', 'p', 1, 'm', 0, 0, 0, 0, 0, 0, 1, 0, 0)`,
    )
    .run(key);

describe("readStats", () => {
  test("an empty database: zeros everywhere, no model rows", () => {
    expect(readStats(db())).toEqual({
      pages: 0,
      mappings: 0,
      pendingMappings: 0,
      attempts: 0,
      failedAttempts: 0,
      spentUsd: 0,
      usage: {
        inputTokens: 0,
        outputTokens: 0,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        webSearches: 0,
      },
      byModel: [],
    });
  });

  test("pages, mappings and the frontier (mapped, not written yet)", () => {
    const d = db();
    for (const k of ["/", "/a.html", "/b.html", "/c.html", "/d.html"]) mapping(d, k);
    page(d, "/");
    page(d, "/b.html");
    const s = readStats(d);
    expect([s.pages, s.mappings, s.pendingMappings]).toEqual([2, 5, 3]);
  });

  test("the ledger's sums: every attempt's money and tokens, failures counted apart", () => {
    const d = db();
    ledger(d, { model: "claude-sonnet-4-6", cost: 0.25, i: 100, o: 50, cw: 10, cr: 5, ws: 1 });
    ledger(d, { model: "claude-sonnet-4-6", cost: 0.5, outcome: "stall", i: 200, o: 20 });
    ledger(d, { model: "claude-haiku-4-5", cost: 0.125, outcome: "refusal", i: 1, o: 2, ws: 2 });
    const s = readStats(d);
    expect(s.attempts).toBe(3);
    expect(s.failedAttempts).toBe(2);
    expect(s.spentUsd).toBe(0.875);
    expect(s.usage).toEqual({
      inputTokens: 301,
      outputTokens: 72,
      cacheWriteTokens: 10,
      cacheReadTokens: 5,
      webSearches: 3,
    });
  });

  test("spend by provider and model, dearest first; input counts cache reads and writes", () => {
    const d = db();
    ledger(d, { model: "cheap", cost: 0.01, i: 1, cw: 2, cr: 3, o: 4 });
    ledger(d, { model: "dear", cost: 1 });
    ledger(d, { provider: "openai", model: "cheap", cost: 0.01 });
    ledger(d, { provider: "openai", model: "cheap", cost: 0.01 });
    ledger(d, { provider: "offline", model: "offline", cost: 0 });
    expect(readStats(d).byModel).toEqual([
      {
        provider: "anthropic",
        model: "dear",
        attempts: 1,
        inputTokens: 0,
        outputTokens: 0,
        spentUsd: 1,
      },
      {
        provider: "openai",
        model: "cheap",
        attempts: 2,
        inputTokens: 0,
        outputTokens: 0,
        spentUsd: 0.02,
      },
      {
        provider: "anthropic",
        model: "cheap",
        attempts: 1,
        inputTokens: 6,
        outputTokens: 4,
        spentUsd: 0.01,
      },
      {
        provider: "offline",
        model: "offline",
        attempts: 1,
        inputTokens: 0,
        outputTokens: 0,
        spentUsd: 0,
      },
    ]);
  });
});
