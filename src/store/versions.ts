// The versions of a page: the current row in `pages`, and the ones it replaced, kept in
// `page_versions` by the schema's trigger (schema.ts) whenever a page row is deleted (a purge, a
// regeneration, a rollback). Reading them, and putting a kept one back.

import type { Database } from "bun:sqlite";
import { plainText } from "../core/text.ts";

export interface PageVersion {
  /** Given when the page was stored, kept for life: `rollback URL 2` always means that page. */
  version: number;
  current: boolean;
  model: string;
  costUsd: number;
  bytes: number;
  createdAt: number;
  /** When it stopped being the current page; null for the current one. */
  replacedAt: number | null;
}

/** A kept version, as a rollback needs it. */
export interface KeptVersion {
  id: number;
  version: number;
  html: string;
}

/** Keys that have kept versions, for the admin view. */
export interface KeptSummary {
  key: string;
  kept: number;
  /** The current page's version, or null when the key has no page now (purged). */
  current: number | null;
}

/** The compressed copies a restored page is stored with (made afresh: versions keep none). */
export interface PageCopies {
  gzip: Uint8Array;
  br: Uint8Array;
  dcz?: Uint8Array | null;
  dczDict?: string | null;
}

const COLUMNS = `version, model, cost_usd AS costUsd, length(CAST(html AS BLOB)) AS bytes,
  created_at AS createdAt`;
const PROVENANCE = `prompt, depth, parent, model, title, input_tokens, output_tokens,
  cache_write_tokens, cache_read_tokens, web_searches, cost_usd, rounds, gen_ms, created_at`;

export function versionQueries(db: Database, now: () => number) {
  const list = db.prepare<Omit<PageVersion, "current"> & { current: number }, [string, string]>(
    `SELECT ${COLUMNS}, 1 AS current, NULL AS replacedAt FROM pages WHERE key = ?
     UNION ALL
     SELECT ${COLUMNS}, 0 AS current, replaced_at AS replacedAt FROM page_versions WHERE key = ?
     ORDER BY version`,
  );
  const byNumber = db.prepare<KeptVersion, [string, number]>(
    "SELECT id, version, html FROM page_versions WHERE key = ? AND version = ?",
  );
  // The highest id is the version that stopped being current last: a rollback without a number
  // undoes the last change (a purge, a regeneration, or the previous rollback).
  const lastReplaced = db.prepare<KeptVersion, [string]>(
    "SELECT id, version, html FROM page_versions WHERE key = ? ORDER BY id DESC LIMIT 1",
  );

  const restore = db.transaction(
    (key: string, id: number, etag: string, copies: PageCopies): boolean => {
      const kept = db.query("SELECT 1 FROM page_versions WHERE id = ? AND key = ?").get(id, key);
      if (kept === null) return false;
      // The trigger keeps the page being replaced, so a rollback loses nothing either.
      db.query("DELETE FROM pages WHERE key = ?").run(key);
      db.query(
        `INSERT INTO pages (key, html, etag, version, ${PROVENANCE}, gzip, br, dcz, dcz_dict)
         SELECT key, html, ?, version, ${PROVENANCE}, ?, ?, ?, ? FROM page_versions WHERE id = ?`,
      ).run(etag, copies.gzip, copies.br, copies.dcz ?? null, copies.dczDict ?? null, id);
      // Site memory's full-text index follows the page (purge and save keep it so too).
      const page = db.query("SELECT coalesce(title, key) AS title, html FROM pages WHERE key = ?");
      const restored = page.get(key) as { title: string; html: string };
      db.query("DELETE FROM page_text WHERE key = ?").run(key);
      db.query("INSERT INTO page_text (key, title, body) VALUES (?, ?, ?)").run(
        key,
        restored.title,
        plainText(restored.html),
      );
      db.query("DELETE FROM page_versions WHERE id = ?").run(id);
      // Logged like a purge: every process holding the page in memory (a running server, a
      // replica) forgets it at its next poll, and robots.txt is rebuilt (pagesVersion).
      db.query("INSERT INTO purges (key, at) VALUES (?, ?)").run(key, now());
      return true;
    },
  );

  return {
    versions: (key: string): PageVersion[] =>
      list.all(key, key).map((v) => ({ ...v, current: v.current === 1 })),
    keptVersion: (key: string, n: number | null): KeptVersion | null =>
      n === null ? lastReplaced.get(key) : byNumber.get(key, n),
    restoreVersion: restore,
    keptVersionKeys: (): KeptSummary[] =>
      db
        .query(
          `SELECT v.key, count(*) AS kept, p.version AS current FROM page_versions v
           LEFT JOIN pages p ON p.key = v.key GROUP BY v.key ORDER BY v.key`,
        )
        .all() as KeptSummary[],
  };
}
