// Site memory in SQLite: the bible, the canon (first fact per subject wins), and the full-text
// index of what every page says (FTS5, ranked by bm25). Writes run inside the page's own
// transaction (store.ts savePage), so a page and what it taught the site land together.

import type { Database } from "bun:sqlite";
import { ftsQuery } from "../core/text.ts";

export interface CanonEntry {
  subject: string;
  fact: string;
}

/** What a finished page adds to the site's memory, written with the page. */
export interface PageMemory {
  title: string;
  /** The page's text, for the full-text index. */
  text: string;
  canon: CanonEntry[];
  /** A bible the answer carried (the homepage's, or one made for an older site). */
  bible: string | null;
}

export interface Bible {
  text: string;
  /** The page whose answer wrote it, or "operator" (bible --set). */
  source: string;
  updatedAt: number;
}

export interface Passage {
  key: string;
  title: string;
  text: string;
}

export interface MemoryStore {
  bible(): Bible | null;
  /** Replaces the bible; its canon lines replace the canon entries of the same subjects. */
  setBible(text: string, source: string, canon: CanonEntry[]): void;
  /** Canon entries matching any of `words`, best first. */
  canonAbout(words: string[], limit: number): CanonEntry[];
  /** Snippets of other pages' text matching `words`, best first (bm25). */
  passages(words: string[], exclude: string, limit: number): Passage[];
  /** Written pages, those matching `words` first (bm25), then the shallowest. */
  pages(words: string[], exclude: string, limit: number): { key: string; title: string }[];
  pageTitle(key: string): string | null;
  /** Inside the page's transaction. */
  save(key: string, memory: PageMemory): void;
  /** Inside a purge's transaction: the page's text leaves the index with it. */
  forget(key: string): void;
}

export function memoryStore(db: Database, now: () => number): MemoryStore {
  const addCanon = (e: CanonEntry, source: string, replace: boolean) => {
    const old = db
      .query("SELECT id, subject, fact FROM canon WHERE subject = ?")
      .get(e.subject) as {
      id: number;
      subject: string;
      fact: string;
    } | null;
    if (old && !replace) return;
    if (old) {
      db.query(
        "INSERT INTO canon_search (canon_search, rowid, subject, fact) VALUES ('delete', ?, ?, ?)",
      ).run(old.id, old.subject, old.fact);
      db.query("DELETE FROM canon WHERE id = ?").run(old.id);
    }
    const row = db
      .query(
        "INSERT INTO canon (subject, fact, source, created_at) VALUES (?, ?, ?, ?) RETURNING id",
      )
      .get(e.subject, e.fact, source, now()) as { id: number };
    db.query("INSERT INTO canon_search (rowid, subject, fact) VALUES (?, ?, ?)").run(
      row.id,
      e.subject,
      e.fact,
    );
  };
  const writeBible = (text: string, source: string) =>
    db
      .query(
        `INSERT INTO bible (id, text, source, updated_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET text = excluded.text, source = excluded.source,
           updated_at = excluded.updated_at`,
      )
      .run(text, source, now());

  return {
    bible: () =>
      db
        .query("SELECT text, source, updated_at AS updatedAt FROM bible WHERE id = 1")
        .get() as Bible | null,
    setBible: (text, source, canon) =>
      db.transaction(() => {
        writeBible(text, source);
        for (const e of canon) addCanon(e, source, true);
      })(),
    canonAbout: (words, limit) => {
      const q = ftsQuery(words);
      if (!q) return [];
      return db
        .query(
          `SELECT c.subject, c.fact FROM canon_search s JOIN canon c ON c.id = s.rowid
           WHERE canon_search MATCH ? ORDER BY bm25(canon_search, 4.0, 1.0) LIMIT ?`,
        )
        .all(q, limit) as CanonEntry[];
    },
    passages: (words, exclude, limit) => {
      const q = ftsQuery(words);
      if (!q) return [];
      return db
        .query(
          `SELECT key, title, snippet(page_text, 2, '', '', '…', 48) AS text FROM page_text
           WHERE page_text MATCH ? AND key != ? ORDER BY bm25(page_text, 0, 3.0, 1.0) LIMIT ?`,
        )
        .all(q, exclude, limit) as Passage[];
    },
    pages: (words, exclude, limit) => {
      const q = ftsQuery(words);
      const related = q
        ? (db
            .query(
              `SELECT key, title FROM page_text WHERE page_text MATCH ? AND key != ?
               ORDER BY bm25(page_text, 0, 3.0, 1.0) LIMIT ?`,
            )
            .all(q, exclude, limit) as { key: string; title: string }[])
        : [];
      const seen = new Set(related.map((p) => p.key));
      const rest = db
        .query(
          `SELECT key, coalesce(title, key) AS title FROM pages INDEXED BY pages_depth_key
           WHERE key != ? ORDER BY depth, key LIMIT ?`,
        )
        .all(exclude, limit + related.length) as { key: string; title: string }[];
      return [...related, ...rest.filter((p) => !seen.has(p.key))].slice(0, limit);
    },
    pageTitle: (key) =>
      (
        db.query("SELECT title FROM pages WHERE key = ?").get(key) as {
          title: string | null;
        } | null
      )?.title ?? null,
    save: (key, m) => {
      db.query("UPDATE pages SET title = ? WHERE key = ?").run(m.title, key);
      db.query("INSERT INTO page_text (key, title, body) VALUES (?, ?, ?)").run(
        key,
        m.title,
        m.text,
      );
      for (const e of m.canon) addCanon(e, key, false);
      if (m.bible !== null) writeBible(m.bible, key);
    },
    forget: (key) => {
      db.query("DELETE FROM page_text WHERE key = ?").run(key);
    },
  };
}
