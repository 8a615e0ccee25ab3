// The versions of a page, at the query level: numbers given by the schema's triggers and kept
// for life, the listing, which kept version a rollback picks, and a restore that loses nothing.
// (The app and CLI around them: test/app/versions.test.ts.)

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { migrate } from "../../src/store/schema.ts";
import { versionQueries } from "../../src/store/versions.ts";

const copies = { gzip: new Uint8Array([1]), br: new Uint8Array([2]) };

function site() {
  const db = new Database(":memory:", { strict: true });
  migrate(db);
  let clock = 1_000;
  const q = versionQueries(db, () => clock);
  const write = (key: string, html: string, model = "m") => {
    db.query("DELETE FROM pages WHERE key = ?").run(key);
    db.query(
      `INSERT INTO pages (key, html, etag, prompt, depth, model, title, input_tokens, output_tokens,
         cache_write_tokens, cache_read_tokens, web_searches, cost_usd, rounds, gen_ms, created_at)
       VALUES (?, ?, 'e', 'p', 1, ?, 'T', 0, 0, 0, 0, 0, 0.5, 1, 0, ?)`,
    ).run(key, html, model, clock++);
    db.query("INSERT INTO page_text (key, title, body) VALUES (?, 'T', ?)").run(key, html);
  };
  const purge = (key: string) => db.query("DELETE FROM pages WHERE key = ?").run(key);
  const current = (key: string) =>
    db.query("SELECT version, html, etag, gzip FROM pages WHERE key = ?").get(key) as {
      version: number;
      html: string;
      etag: string;
      gzip: Uint8Array | null;
    } | null;
  return { db, q, write, purge, current };
}

describe("versionQueries", () => {
  test("each page of a key gets the next number; the listing marks the current one", () => {
    const s = site();
    s.write("/", "<p>one</p>");
    s.write("/", "<p>two</p>", "other");
    s.write("/", "<p>three</p>");
    s.write("/a.html", "<p>a</p>");
    const v = s.q.versions("/");
    expect(v.map((x) => [x.version, x.current, x.model])).toEqual([
      [1, false, "m"],
      [2, false, "other"],
      [3, true, "m"],
    ]);
    expect(v[2]).toMatchObject({ bytes: "<p>three</p>".length, costUsd: 0.5, replacedAt: null });
    expect(v[0]?.replacedAt).toBeNumber();
    expect(s.q.versions("/a.html").map((x) => x.version)).toEqual([1]);
    expect(s.q.versions("/none.html")).toEqual([]);
  });

  test("numbers are kept for life: a page after a purge takes the next one, not 1 again", () => {
    const s = site();
    s.write("/", "<p>one</p>");
    s.purge("/");
    expect(s.q.versions("/").map((x) => [x.version, x.current])).toEqual([[1, false]]);
    s.write("/", "<p>two</p>");
    expect(s.current("/")?.version).toBe(2);
  });

  test("keptVersion: by number, or (null) the one that stopped being current last", () => {
    const s = site();
    s.write("/", "<p>one</p>");
    s.write("/", "<p>two</p>");
    s.write("/", "<p>three</p>");
    expect(s.q.keptVersion("/", null)?.html).toBe("<p>two</p>");
    expect(s.q.keptVersion("/", 1)?.html).toBe("<p>one</p>");
    expect(s.q.keptVersion("/", 3)).toBeNull(); // the current page is not a kept one
    expect(s.q.keptVersion("/", 9)).toBeNull();
    expect(s.q.keptVersion("/other.html", null)).toBeNull();
  });

  test("restoring makes the kept page current under its own number, and keeps the one it replaces", () => {
    const s = site();
    s.write("/", "<p>one</p>");
    s.write("/", "<p>two</p>");
    const one = s.q.keptVersion("/", 1);
    expect(s.q.restoreVersion("/", one?.id ?? -1, '"restored"', copies)).toBe(true);
    expect(s.current("/")).toMatchObject({ version: 1, html: "<p>one</p>", etag: '"restored"' });
    expect(s.current("/")?.gzip).toEqual(new Uint8Array([1]));
    expect(s.q.versions("/").map((x) => [x.version, x.current])).toEqual([
      [1, true],
      [2, false],
    ]);
    // Undo the rollback: the last replaced is now version 2.
    expect(s.q.keptVersion("/", null)?.version).toBe(2);
    // The full-text index follows the page, and other processes are told (a purge is logged).
    const text = s.db.query("SELECT body FROM page_text WHERE key = '/'").all() as {
      body: string;
    }[];
    expect(text).toEqual([{ body: "one" }]);
    expect(s.db.query("SELECT key, at FROM purges").all()).toEqual([{ key: "/", at: 1_002 }]);
  });

  test("restore refuses an id that is gone or belongs to another key, and changes nothing", () => {
    const s = site();
    s.write("/", "<p>one</p>");
    s.write("/", "<p>two</p>");
    s.write("/a.html", "<p>a1</p>");
    s.write("/a.html", "<p>a2</p>");
    const a1 = s.q.keptVersion("/a.html", 1);
    expect(s.q.restoreVersion("/", a1?.id ?? -1, '"x"', copies)).toBe(false);
    expect(s.q.restoreVersion("/", 999, '"x"', copies)).toBe(false);
    expect(s.current("/")?.html).toBe("<p>two</p>");
    expect(s.db.query("SELECT count(*) AS n FROM purges").get()).toEqual({ n: 0 });
  });

  test("restoring a purged page brings it back with nothing to keep in its place", () => {
    const s = site();
    s.write("/", "<p>one</p>");
    s.purge("/");
    const kept = s.q.keptVersion("/", null);
    expect(s.q.restoreVersion("/", kept?.id ?? -1, '"e2"', copies)).toBe(true);
    expect(s.q.versions("/").map((x) => [x.version, x.current])).toEqual([[1, true]]);
  });

  test("keptVersionKeys: keys with kept versions, and their current number or null when purged", () => {
    const s = site();
    s.write("/", "<p>one</p>");
    s.write("/", "<p>two</p>");
    s.write("/b.html", "<p>b</p>");
    s.purge("/b.html");
    s.write("/c.html", "<p>c</p>");
    expect(s.q.keptVersionKeys()).toEqual([
      { key: "/", kept: 1, current: 2 },
      { key: "/b.html", kept: 1, current: null },
    ]);
  });
});
