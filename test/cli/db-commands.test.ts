// The commands on the page cache, called in-process (cli/db-commands.ts): pages, stats, purge,
// migrate, and the helpers the other commands share (keys from URLs, the replica and
// missing-database refusals, tables).

import { afterAll, describe, expect, test } from "bun:test";
import {
  keyOf,
  listPages,
  migrateDatabase,
  purgePages,
  refuseReplica,
  requireDatabase,
  showStats,
  textTable,
  utcTime,
} from "../../src/cli/db-commands.ts";
import { ZERO_USAGE } from "../../src/core/types.ts";
import { SCHEMA_VERSION } from "../../src/store/schema.ts";
import { openStore } from "../../src/store/store.ts";
import { tempFolder } from "../fixtures/db-files.ts";
import { seedPage } from "../fixtures/seed.ts";
import { usageError } from "../fixtures/usage.ts";

const folder = tempFolder("db-commands");
afterAll(folder.remove);

const site = () =>
  folder.db((store) => {
    store.setSeed("moons");
    seedPage(store, "/", { children: [{ key: "/io.html", prompt: "Io", depth: 2, parent: "/" }] });
    seedPage(store, "/b.html", { depth: 2, parent: "/" });
    store.recordAttempt({
      key: "/x.html",
      model: "claude-sonnet-4-6",
      usage: { ...ZERO_USAGE, inputTokens: 1200, outputTokens: 300 },
      costUsd: 1.25,
      rounds: 1,
      outcome: "error",
      error: "boom",
      startedAt: 0,
      durationMs: 1,
    });
  });

describe("pages", () => {
  test("a table sorted by key with a footer, or JSON, or a sentence when empty", () => {
    const db = site();
    const table = listPages(db, false).split("\n");
    expect(table[0]).toMatch(/^KEY\s+DEPTH\s+BYTES\s+COST\s+CREATED \(UTC\)$/);
    expect(table[1]).toStartWith("/ ");
    expect(table[2]).toStartWith("/b.html");
    expect(table.at(-1)).toMatch(/^2 pages, .* B, \$0\.0000$/);
    expect(JSON.parse(listPages(db, true)).map((p: { key: string }) => p.key)).toEqual([
      "/",
      "/b.html",
    ]);
    const empty = folder.db();
    expect(listPages(empty, false)).toBe(`no pages cached in ${empty}`);
  });
});

describe("stats", () => {
  test("counts, tokens, spend, and the budget left (never below zero)", () => {
    const db = site();
    const text = showStats(db, 1, false);
    expect(text).toContain("pages     2");
    expect(text).toContain("mappings  2 (1 not yet generated)");
    expect(text).toContain("attempts  3 (1 failed)");
    expect(text).toContain("tokens    1,200 in, 300 out");
    expect(text).toContain("spent     $1.2500");
    expect(text).toContain("budget    $0.0000 left of $1.0000");
    expect(text).toContain("model     anthropic claude-sonnet-4-6");
    expect(showStats(db, null, false)).not.toContain("budget");
    const offline = folder.db((store) =>
      store.recordAttempt({
        key: "/",
        provider: "offline",
        model: "offline",
        usage: ZERO_USAGE,
        costUsd: 0,
        rounds: 1,
        outcome: "ok",
        error: null,
        startedAt: 0,
        durationMs: 1,
      }),
    );
    // Provider and model are one word for the offline writer: said once.
    expect(showStats(offline, null, false)).toContain("model     offline: 1 attempt, $0.0000");
    expect(JSON.parse(showStats(db, 5, true))).toMatchObject({
      maxCostUsd: 5,
      budgetLeftUsd: 3.75,
      pages: 2,
    });
  });
});

describe("purge", () => {
  test("drops pages by path or URL, reports those not cached; warns only if nothing went", () => {
    const db = site();
    const warnings: string[] = [];
    const text = purgePages(db, ["b.html", "http://x.test/b.html", "/nope.html"], false, (w) =>
      warnings.push(w),
    );
    expect(text).toBe("purged      /b.html\nnot cached  /nope.html");
    expect(warnings).toEqual([]);
    expect(JSON.parse(purgePages(db, ["/b.html"], true, (w) => warnings.push(w)))).toEqual({
      purged: [],
      notCached: ["/b.html"],
    });
    expect(warnings).toEqual([
      "nothing was purged: no cached page has that URL (rabbithole pages lists the cached ones)",
    ]);
  });

  test("no URL, a missing database, a replica: usage errors, nothing created", () => {
    expect(usageError(() => purgePages(site(), [], false)).message).toContain(
      "purge needs at least one URL",
    );
    const missing = folder.missing();
    expect(usageError(() => purgePages(missing, ["/"], false)).message).toBe(
      `database "${missing}" does not exist`,
    );
    expect(() => openStore(missing, { readonly: true })).toThrow();
    const replica = folder.replica("machine-9");
    expect(usageError(() => purgePages(replica, ["/"], false)).message).toBe(
      `"${replica}" is a LiteFS replica (the primary is machine-9): run purge on the primary`,
    );
  });
});

describe("shared helpers", () => {
  test("keyOf: a path, a bare name or a full URL becomes the server's key; anything else is refused", () => {
    expect(keyOf("/a/../b.html")).toBe("/b.html");
    expect(keyOf("b.html")).toBe("/b.html");
    expect(keyOf("HTTPS://example.com/c/index.html?x=1")).toBe("/c/");
    expect(usageError(() => keyOf("http://[bad")).message).toBe('"http://[bad" is not a URL');
    expect(usageError(() => keyOf("/%zz")).message).toStartWith('"/%zz" is not a page URL: ');
  });

  test("refuseReplica and requireDatabase pass a primary's existing file", () => {
    const db = site();
    expect(() => refuseReplica(db, "x")).not.toThrow();
    expect(() => requireDatabase(db)).not.toThrow();
    expect(() => requireDatabase(":memory:")).not.toThrow();
    expect(usageError(() => refuseReplica(folder.replica(""), "rollback")).message).toContain(
      "(the primary is not connected yet): run rollback on the primary",
    );
  });

  test("textTable pads columns to the widest cell, right-aligning where asked, no trailing blanks", () => {
    const t = textTable(
      ["A", "NUM"],
      [
        ["xyz", "1"],
        ["q", "100"],
      ],
      [false, true],
    );
    expect(t).toBe("A    NUM\nxyz    1\nq    100");
    expect(utcTime(Date.UTC(2025, 4, 6, 7, 8, 9, 500))).toBe("2025-05-06 07:08:09");
  });
});

describe("migrate", () => {
  test("creates the schema, says its version; a replica leaves it to the primary", () => {
    const path = folder.missing();
    expect(migrateDatabase(path)).toBe(`database ${path} is at schema version ${SCHEMA_VERSION}`);
    expect(migrateDatabase(path)).toBe(`database ${path} is at schema version ${SCHEMA_VERSION}`);
    expect(migrateDatabase(folder.replica("m2"))).toBe(
      "replica of m2: migrations run on the primary",
    );
  });
});
