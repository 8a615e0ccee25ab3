// The site-memory migration: one step of store/schema.ts. Old pages get their title from their
// <title> and their text into the full-text index here, once, so that an old site's pages are
// context for its new ones from the first page written after the upgrade.

import type { Database } from "bun:sqlite";
import { plainText, titleOf } from "../core/text.ts";

export function MEMORY_MIGRATION(db: Database): void {
  db.exec(`
    ALTER TABLE mappings ADD COLUMN title TEXT;
    ALTER TABLE pages ADD COLUMN title TEXT;
    CREATE TABLE bible (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      text       TEXT NOT NULL,
      source     TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE canon (
      id         INTEGER PRIMARY KEY,
      subject    TEXT NOT NULL UNIQUE COLLATE NOCASE,
      fact       TEXT NOT NULL,
      source     TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE VIRTUAL TABLE canon_search USING fts5(
      subject, fact, content='canon', content_rowid='id', tokenize='porter unicode61'
    );
    CREATE VIRTUAL TABLE page_text USING fts5(key UNINDEXED, title, body, tokenize='porter unicode61');
  `);
  const setTitle = db.prepare("UPDATE pages SET title = ? WHERE key = ?");
  const index = db.prepare("INSERT INTO page_text (key, title, body) VALUES (?, ?, ?)");
  for (const row of db.query("SELECT key, html FROM pages").iterate() as Iterable<{
    key: string;
    html: string;
  }>) {
    const title = titleOf(row.html) ?? row.key;
    setTitle.run(title, row.key);
    index.run(row.key, title, plainText(row.html));
  }
}
