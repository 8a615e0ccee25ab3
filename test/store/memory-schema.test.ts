// The site-memory migration on a database from before it: old pages get their title from their
// <title> (or their key) and their text in the full-text index, once, during the upgrade.

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { MEMORY_MIGRATION } from "../../src/store/memory-schema.ts";

function before(pages: [string, string][]) {
  const db = new Database(":memory:", { strict: true });
  db.exec(`CREATE TABLE mappings (key TEXT PRIMARY KEY, prompt TEXT NOT NULL);
    CREATE TABLE pages (key TEXT PRIMARY KEY, html TEXT NOT NULL);`);
  for (const [key, html] of pages)
    db.query("INSERT INTO pages (key, html) VALUES (?, ?)").run(key, html);
  return db;
}

describe("MEMORY_MIGRATION", () => {
  test("old pages: title from <title>, else the key; their text indexed without markup", () => {
    const db = before([
      [
        "/",
        "<!DOCTYPE html><html><head><title>The Moth Atlas</title><style>p{}</style></head><body><p>Luna moths glow.</p></body></html>",
      ],
      ["/untitled.html", "<p>Hawk moths hover like hummingbirds.</p>"],
    ]);
    MEMORY_MIGRATION(db);
    expect(db.query("SELECT key, title FROM pages ORDER BY key").all()).toEqual([
      { key: "/", title: "The Moth Atlas" },
      { key: "/untitled.html", title: "/untitled.html" },
    ]);
    const hit = (q: string) =>
      (
        db.query("SELECT key FROM page_text WHERE page_text MATCH ? ORDER BY key").all(q) as {
          key: string;
        }[]
      ).map((r) => r.key);
    // porter stemming: "hovering" finds "hover"; markup and styles are not text.
    expect(hit("hovering")).toEqual(["/untitled.html"]);
    expect(hit("glow")).toEqual(["/"]);
    expect(hit("style")).toEqual([]);
    expect(hit("title:atlas")).toEqual(["/"]);
  });

  test("the memory tables exist and take their rows: one bible, canon unique by subject whatever its case", () => {
    const db = before([]);
    MEMORY_MIGRATION(db);
    db.query("INSERT INTO bible (id, text, source, updated_at) VALUES (1, 'b', 's', 0)").run();
    expect(() =>
      db.query("INSERT INTO bible (id, text, source, updated_at) VALUES (2, 'b', 's', 0)").run(),
    ).toThrow();
    db.query(
      "INSERT INTO canon (subject, fact, source, created_at) VALUES ('Ada', 'f', 's', 0)",
    ).run();
    expect(() =>
      db
        .query("INSERT INTO canon (subject, fact, source, created_at) VALUES ('ADA', 'f', 's', 0)")
        .run(),
    ).toThrow();
    db.query(
      "INSERT INTO mappings (key, prompt, title) VALUES ('/x.html', 'p', 'Link words')",
    ).run();
  });
});
