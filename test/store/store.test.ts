import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../src/core/errors.ts";
import { type Attempt, type NewPage, ZERO_USAGE } from "../../src/core/types.ts";
import { SCHEMA_VERSION } from "../../src/store/schema.ts";
import { openStore } from "../../src/store/store.ts";
import { htmlDoc } from "../fixtures/fake-anthropic.ts";
import { seedPage } from "../fixtures/seed.ts";

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "rabbithole-store-"));
  dirs.push(dir);
  return join(dir, "site.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const usage = {
  inputTokens: 100,
  outputTokens: 200,
  cacheWriteTokens: 10,
  cacheReadTokens: 5,
  webSearches: 1,
};
const page = (key: string, html = `<!DOCTYPE html><html>${key}</html>`): NewPage => ({
  key,
  html,
  prompt: `brief of ${key}`,
  depth: 1,
  parent: null,
  model: "claude-sonnet-4-6",
  usage,
  costUsd: 0.5,
  rounds: 1,
  genMs: 1234,
});
const attempt = (key: string, outcome: Attempt["outcome"] = "ok", costUsd = 0.5): Attempt => ({
  key,
  model: "claude-sonnet-4-6",
  usage,
  costUsd,
  rounds: 1,
  outcome,
  error: outcome === "ok" ? null : "boom",
  startedAt: 1,
  durationMs: 2,
});

describe("store", () => {
  test("migrates a new file and records the schema version", () => {
    const path = tempDb();
    openStore(path).close();
    const db = new Database(path);
    expect((db.query("PRAGMA user_version").get() as { user_version: number }).user_version).toBe(
      SCHEMA_VERSION,
    );
    db.close();
  });

  test("seed is the mapping of / at depth 1; changes are reported", () => {
    const store = openStore(":memory:");
    expect(store.setSeed("space")).toBe("created");
    expect(store.setSeed("space")).toBe("unchanged");
    expect(store.setSeed("oceans")).toBe("updated");
    expect(store.getMapping("/")).toEqual({
      key: "/",
      prompt: "oceans",
      depth: 1,
      parent: null,
      title: null,
    });
  });

  test("savePage stores page, children and ledger row together; never overwrites mappings", () => {
    const store = openStore(":memory:");
    store.savePage(
      page("/"),
      [
        { key: "/a", prompt: "A", depth: 2, parent: "/" },
        { key: "/b", prompt: "B", depth: 2, parent: "/" },
      ],
      attempt("/"),
    );
    store.savePage(
      page("/a"),
      [{ key: "/b", prompt: "other B", depth: 3, parent: "/a" }],
      attempt("/a"),
    );
    expect(store.getPage("/")?.html).toBe("<!DOCTYPE html><html>/</html>");
    expect(store.getPage("/")?.etag).toMatch(/^".+"$/);
    expect(store.getMapping("/b")).toEqual({
      key: "/b",
      prompt: "B",
      depth: 2,
      parent: "/",
      title: null,
    });
    const stats = store.stats();
    expect(stats.pages).toBe(2);
    expect(stats.mappings).toBe(2);
    expect(stats.pendingMappings).toBe(1);
    expect(stats.attempts).toBe(2);
    expect(stats.spentUsd).toBeCloseTo(1);
    expect(stats.usage.inputTokens).toBe(200);
  });

  test("failed attempts count toward spend; purge drops pages but keeps mappings", () => {
    const path = tempDb();
    const store = openStore(path);
    store.savePage(page("/x"), [], attempt("/x"));
    store.recordAttempt(attempt("/y", "error", 0.25));
    expect(store.spentUsd()).toBeCloseTo(0.75);
    expect(store.purge(["/x", "/nope"])).toEqual(["/x"]);
    expect(store.getPage("/x")).toBeNull();
    store.close();
    const again = openStore(path);
    expect(again.spentUsd()).toBeCloseTo(0.75);
    expect(again.stats().failedAttempts).toBe(1);
    again.close();
  });

  test("cache survives a restart", () => {
    const path = tempDb();
    const a = openStore(path);
    a.setSeed("seed");
    a.savePage(page("/"), [], attempt("/"));
    a.close();
    const b = openStore(path);
    expect(b.getPage("/")?.html).toContain("<html>");
    expect(b.listPages().map((p) => p.key)).toEqual(["/"]);
    b.close();
  });

  test("read-only store refuses writes and leaves the file alone", () => {
    const path = tempDb();
    openStore(path).close();
    const before = Bun.hash(readFileSync(path));
    const ro = openStore(path, { readonly: true });
    expect(ro.getPage("/")).toBeNull();
    expect(() => ro.setSeed("x")).toThrow(/read-only/);
    ro.close();
    expect(Bun.hash(readFileSync(path))).toBe(before);
  });

  test("unusable files are usage errors naming the path", () => {
    const dir = tempDb().replace(/site\.db$/, "");
    expect(() => openStore(dir)).toThrow(UsageError);
    expect(() => openStore(dir)).toThrow(/is a directory/);
    const garbage = tempDb();
    writeFileSync(garbage, "this is not a database, just some text that is long enough".repeat(20));
    expect(() => openStore(garbage)).toThrow(garbage);
    expect(() => openStore(tempDb(), { readonly: true })).toThrow(/does not exist/);
  });

  test("a newer schema is refused rather than misread", () => {
    const path = tempDb();
    const db = new Database(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openStore(path)).toThrow(/newer than this rabbithole/);
  });
});

describe("the hot read", () => {
  test("one encoding as raw bytes, the next best when the page lacks it", () => {
    const store = openStore(":memory:");
    const html = htmlDoc("Café", "<p>naïve résumé</p>");
    seedPage(store, "/old", { html });
    seedPage(store, "/new", { html, gzip: new Uint8Array([1, 2]), br: new Uint8Array([3]) });
    const identity = store.getPageBody("/new", "identity");
    expect(identity?.encoding).toBe("identity");
    expect(new TextDecoder().decode(identity?.body)).toBe(html);
    expect(identity?.etag).toBe(store.getPage("/new")?.etag as string);
    expect(store.getPageBody("/new", "br")).toMatchObject({
      encoding: "br",
      body: new Uint8Array([3]),
    });
    expect(store.getPageBody("/new", "gzip")?.encoding).toBe("gzip");
    expect(store.getPageBody("/old", "br")?.encoding).toBe("identity");
    expect(store.getPageBody("/old", "gzip")?.encoding).toBe("identity");
    expect(store.getPageBody("/none", "br")).toBeNull();
    expect(store.hasPage("/old")).toBe(true);
    expect(store.hasPage("/none")).toBe(false);
  });
});

// Schemas 7 (the ledger's provider) and 6 (versions) undone, then 5 (site memory), to roll a
// file back to an older release's.
const UNDO_VERSIONS = `ALTER TABLE ledger DROP COLUMN provider;
  DROP TRIGGER pages_number_version; DROP TRIGGER pages_keep_version;
  DROP TABLE page_versions; ALTER TABLE pages DROP COLUMN version;`;
const UNDO_MEMORY = `DROP TABLE bible; DROP TABLE canon; DROP TABLE canon_search; DROP TABLE page_text;
  ALTER TABLE pages DROP COLUMN title; ALTER TABLE mappings DROP COLUMN title;`;

describe("site memory (schema 5)", () => {
  test("an older database's pages get their titles and enter the full-text index", () => {
    const path = tempDb();
    openStore(path).close();
    const db = new Database(path);
    db.exec(`${UNDO_VERSIONS} ${UNDO_MEMORY} PRAGMA user_version = 4`);
    db.exec(`INSERT INTO pages (key, html, etag, prompt, depth, parent, model, input_tokens,
               output_tokens, cache_write_tokens, cache_read_tokens, web_searches, cost_usd,
               rounds, gen_ms, created_at)
             VALUES ('/old', '<html><head><title>Moths &amp; lamps</title><style>p{}</style></head>
               <body><p>The <b>luna</b> moth flies at night.</p></body></html>', '"e"', 'p', 1,
               NULL, 'm', 0, 0, 0, 0, 0, 0, 1, 0, 0)`);
    db.close();
    const store = openStore(path);
    expect(store.memory.pageTitle("/old")).toBe("Moths & lamps");
    expect(store.memory.passages(["luna"], "/x", 5)).toEqual([
      { key: "/old", title: "Moths & lamps", text: "The luna moth flies at night." },
    ]);
    // A purged page leaves the index with it.
    store.purge(["/old"]);
    expect(store.memory.passages(["luna"], "/x", 5)).toEqual([]);
    store.close();
  });
});

describe("dcz copies (schema 3)", () => {
  test("a version-2 database upgrades in place; its pages keep working without a dcz copy", () => {
    const path = tempDb();
    openStore(path).close();
    // Roll the file back to what the previous release wrote, with a page in it.
    const db = new Database(path);
    db.exec(`${UNDO_VERSIONS} ${UNDO_MEMORY}
             DROP INDEX IF EXISTS pages_depth_key;
             ALTER TABLE pages DROP COLUMN dcz; ALTER TABLE pages DROP COLUMN dcz_dict;
             PRAGMA user_version = 2`);
    db.exec(`INSERT INTO pages (key, html, etag, prompt, depth, parent, model, input_tokens,
               output_tokens, cache_write_tokens, cache_read_tokens, web_searches, cost_usd,
               rounds, gen_ms, created_at, br)
             VALUES ('/old', '<html></html>', '"e"', 'p', 1, NULL, 'm', 0, 0, 0, 0, 0, 0, 1, 0,
               0, x'0102')`);
    db.close();
    // A replica never migrates: it waits for the primary's.
    expect(() => openStore(path, { readonly: true })).toThrow(/schema version 2/);
    const store = openStore(path);
    expect(store.getPageBody("/old", "dcz")).toMatchObject({ encoding: "br", dict: null });
    expect(store.getPage("/old")).toMatchObject({ dcz: null, dcz_dict: null });
    seedPage(store, "/new", { dcz: new Uint8Array([9]), dczDict: "abc=", br: new Uint8Array([3]) });
    expect(store.getPageBody("/new", "dcz")).toMatchObject({
      encoding: "dcz",
      body: new Uint8Array([9]),
      dict: "abc=",
    });
    // Every read names the dictionary, whatever encoding it returns: the headers depend on it.
    expect(store.getPageBody("/new", "br")).toMatchObject({ encoding: "br", dict: "abc=" });
    store.close();
    const check = new Database(path);
    expect(
      (check.query("PRAGMA user_version").get() as { user_version: number }).user_version,
    ).toBe(SCHEMA_VERSION);
    check.close();
  });
});

describe("site map", () => {
  test("lists generated pages and the frontier hanging off them", () => {
    const store = openStore(":memory:");
    store.setSeed("seed");
    store.savePage(
      page("/"),
      [
        { key: "/a", prompt: "A", depth: 2, parent: "/" },
        { key: "/b", prompt: "B", depth: 2, parent: "/" },
      ],
      attempt("/"),
    );
    const map = store.siteMap();
    expect(map.map((n) => [n.key, n.depth, n.parent, n.generated])).toEqual([
      ["/", 1, null, true],
      ["/a", 2, "/", false],
      ["/b", 2, "/", false],
    ]);
    expect(map[0]?.costUsd).toBeCloseTo(0.5);
    expect(map[1]?.bytes).toBeNull();
  });
});

describe("the robots.txt list (schema 4)", () => {
  test("keys shallowest first from an index, and a version that moves on every write and purge", () => {
    const store = openStore(tempDb());
    const v0 = store.pagesVersion();
    seedPage(store, "/b.html", { depth: 2 });
    seedPage(store, "/", { depth: 1 });
    seedPage(store, "/a.html", { depth: 2 });
    const v1 = store.pagesVersion();
    expect(v1).not.toBe(v0);
    expect(store.pageKeysByDepth()).toEqual(["/", "/a.html", "/b.html"]);
    // Purging the newest row and writing it again reuses its rowid: the purge log still moves.
    store.purge(["/a.html"]);
    seedPage(store, "/a.html", { depth: 2 });
    expect(store.pagesVersion()).not.toBe(v1);
    expect(store.pagesVersion()).toBe(store.pagesVersion());
    store.close();
  });
});

describe("who served each attempt (schema 7)", () => {
  const usage = { ...ZERO_USAGE, inputTokens: 10, outputTokens: 5 };
  const attempt = (provider: string | undefined, model: string, costUsd: number): Attempt => ({
    key: "/",
    ...(provider ? { provider } : {}),
    model,
    usage,
    costUsd,
    rounds: 1,
    outcome: "error",
    error: "x",
    startedAt: 0,
    durationMs: 1,
  });

  test("a version-6 ledger upgrades: its rows are Anthropic's, or offline's for the offline writer", () => {
    const path = tempDb();
    const old = openStore(path);
    old.recordAttempt(attempt(undefined, "claude-sonnet-4-6", 0.5));
    old.recordAttempt(attempt(undefined, "offline", 0));
    old.close();
    const db = new Database(path);
    db.exec("ALTER TABLE ledger DROP COLUMN provider; PRAGMA user_version = 6");
    db.close();
    const store = openStore(path);
    expect(store.stats().byModel).toEqual([
      {
        provider: "anthropic",
        model: "claude-sonnet-4-6",
        attempts: 1,
        inputTokens: 10,
        outputTokens: 5,
        spentUsd: 0.5,
      },
      {
        provider: "offline",
        model: "offline",
        attempts: 1,
        inputTokens: 10,
        outputTokens: 5,
        spentUsd: 0,
      },
    ]);
    store.close();
  });

  test("stats split spend by provider and model, dearest first", () => {
    const store = openStore(tempDb());
    store.recordAttempt(attempt("openai", "qwen3:8b", 0));
    store.recordAttempt(attempt("openai", "qwen3:8b", 0));
    store.recordAttempt(attempt("anthropic", "claude-haiku-4-5", 0.25));
    const split = store.stats().byModel.map((m) => [m.provider, m.model, m.attempts, m.spentUsd]);
    expect(split).toEqual([
      ["anthropic", "claude-haiku-4-5", 1, 0.25],
      ["openai", "qwen3:8b", 2, 0],
    ]);
    expect(store.stats().spentUsd).toBe(0.25);
    store.close();
  });
});
