import type { Database } from "bun:sqlite";
import { MEMORY_MIGRATION } from "./memory-schema.ts";

// Each entry moves the schema one version up; `PRAGMA user_version` says how many have run.
// Append only: a released migration is never edited, so old databases upgrade the same way.
const MIGRATIONS: (string | ((db: Database) => void))[] = [
  `CREATE TABLE mappings (
     key        TEXT PRIMARY KEY,
     prompt     TEXT NOT NULL,
     depth      INTEGER NOT NULL,
     parent     TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE pages (
     key                TEXT PRIMARY KEY,
     html               TEXT NOT NULL,
     etag               TEXT NOT NULL,
     prompt             TEXT NOT NULL,
     depth              INTEGER NOT NULL,
     parent             TEXT,
     model              TEXT NOT NULL,
     input_tokens       INTEGER NOT NULL,
     output_tokens      INTEGER NOT NULL,
     cache_write_tokens INTEGER NOT NULL,
     cache_read_tokens  INTEGER NOT NULL,
     web_searches       INTEGER NOT NULL,
     cost_usd           REAL NOT NULL,
     rounds             INTEGER NOT NULL,
     gen_ms             INTEGER NOT NULL,
     created_at         INTEGER NOT NULL
   );
   CREATE TABLE ledger (
     id                 INTEGER PRIMARY KEY,
     key                TEXT NOT NULL,
     model              TEXT NOT NULL,
     input_tokens       INTEGER NOT NULL,
     output_tokens      INTEGER NOT NULL,
     cache_write_tokens INTEGER NOT NULL,
     cache_read_tokens  INTEGER NOT NULL,
     web_searches       INTEGER NOT NULL,
     cost_usd           REAL NOT NULL,
     rounds             INTEGER NOT NULL,
     outcome            TEXT NOT NULL,
     error              TEXT,
     started_at         INTEGER NOT NULL,
     duration_ms        INTEGER NOT NULL
   );
   CREATE INDEX ledger_key ON ledger (key);`,
  // Pages are compressed once, when stored, never per request. Purges are logged so that other
  // processes (a running server, a replica) can drop the pages they hold in memory.
  `ALTER TABLE pages ADD COLUMN gzip BLOB;
   ALTER TABLE pages ADD COLUMN br BLOB;
   CREATE TABLE purges (id INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL);`,
  // A page compressed against the homepage (RFC 9842 dcz), with the base64 SHA-256 of the
  // homepage it needs: a regenerated homepage has another hash, and the copy stops matching.
  `ALTER TABLE pages ADD COLUMN dcz BLOB;
   ALTER TABLE pages ADD COLUMN dcz_dict TEXT;`,
  // robots.txt lists the written pages shallowest first: an index that holds the whole answer,
  // so building it never reads a page's HTML (a table scan took ~170 ms at 30,000 pages).
  `CREATE INDEX IF NOT EXISTS pages_depth_key ON pages (depth, key);`,
  // Site memory (store/memory.ts): the bible, the link's words as the next page's title, the
  // canon of invented facts, and a full-text index of what pages say (FTS5, bm25).
  MEMORY_MIGRATION,
  // Versions (versions.ts): a page is never lost. Deleting a page row (purge, regenerate, a
  // rollback replacing it) keeps it in page_versions, by a trigger so that no path can forget
  // to; each page of a key gets the next number, kept for life so that "version 2" means the
  // same page tomorrow. Compressed copies are not kept: a rollback makes them afresh. The time
  // comes from julianday(): macOS builds use the system SQLite, which may predate unixepoch().
  `ALTER TABLE pages ADD COLUMN version INTEGER;
   UPDATE pages SET version = 1;
   CREATE TABLE page_versions (
     id                 INTEGER PRIMARY KEY,
     key                TEXT NOT NULL,
     version            INTEGER NOT NULL,
     html               TEXT NOT NULL,
     prompt             TEXT NOT NULL,
     depth              INTEGER NOT NULL,
     parent             TEXT,
     model              TEXT NOT NULL,
     title              TEXT,
     input_tokens       INTEGER NOT NULL,
     output_tokens      INTEGER NOT NULL,
     cache_write_tokens INTEGER NOT NULL,
     cache_read_tokens  INTEGER NOT NULL,
     web_searches       INTEGER NOT NULL,
     cost_usd           REAL NOT NULL,
     rounds             INTEGER NOT NULL,
     gen_ms             INTEGER NOT NULL,
     created_at         INTEGER NOT NULL,
     replaced_at        INTEGER NOT NULL,
     UNIQUE (key, version)
   );
   CREATE TRIGGER pages_number_version AFTER INSERT ON pages WHEN NEW.version IS NULL BEGIN
     UPDATE pages SET version = 1 + coalesce(
       (SELECT max(version) FROM page_versions WHERE key = NEW.key), 0) WHERE rowid = NEW.rowid;
   END;
   CREATE TRIGGER pages_keep_version BEFORE DELETE ON pages BEGIN
     INSERT INTO page_versions (key, version, html, prompt, depth, parent, model, title,
       input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, web_searches,
       cost_usd, rounds, gen_ms, created_at, replaced_at)
     VALUES (OLD.key, coalesce(OLD.version, 1), OLD.html, OLD.prompt, OLD.depth, OLD.parent,
       OLD.model, OLD.title, OLD.input_tokens, OLD.output_tokens, OLD.cache_write_tokens,
       OLD.cache_read_tokens, OLD.web_searches, OLD.cost_usd, OLD.rounds, OLD.gen_ms,
       OLD.created_at, CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
   END;`,
  // Who served each attempt: spend is split by provider and model. Rows before this were
  // Anthropic's, or the free offline writer's.
  `ALTER TABLE ledger ADD COLUMN provider TEXT NOT NULL DEFAULT 'anthropic';
   UPDATE ledger SET provider = 'offline' WHERE model = 'offline';`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  const row = db.query("PRAGMA user_version").get() as { user_version: number };
  return row.user_version;
}

/** Brings the schema up to date; returns how many migrations ran. Primary only: it writes. */
export function migrate(db: Database): number {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${from} is newer than this rabbithole understands ` +
        `(${SCHEMA_VERSION}); upgrade rabbithole`,
    );
  }
  const apply = db.transaction(() => {
    for (let v = from; v < SCHEMA_VERSION; v++) {
      const step = MIGRATIONS[v] as string | ((db: Database) => void);
      if (typeof step === "string") db.exec(step);
      else step(db);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    }
  });
  apply();
  return SCHEMA_VERSION - from;
}
