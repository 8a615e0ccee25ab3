import { Database } from "bun:sqlite";
import { existsSync, statSync } from "node:fs";
import { UsageError } from "../core/errors.ts";
import type {
  Attempt,
  CachedPage,
  Encoding,
  Mapping,
  NewPage,
  PageBody,
  PageSummary,
  SiteNode,
  Stats,
} from "../core/types.ts";
import { type MemoryStore, memoryStore, type PageMemory } from "./memory.ts";
import { pageBodyQueries } from "./page-body.ts";
import { pageWrites } from "./page-write.ts";
import { migrate, SCHEMA_VERSION, schemaVersion } from "./schema.ts";
import { readStats } from "./stats.ts";
import {
  type KeptSummary,
  type KeptVersion,
  type PageCopies,
  type PageVersion,
  versionQueries,
} from "./versions.ts";

export interface OpenOptions {
  /** A replica (or a read-only command): no migration, no pragma that writes, no writes at all. */
  readonly?: boolean;
  clock?: () => number;
}

export type SeedChange = "created" | "updated" | "unchanged";

export interface Store {
  /** The whole page row's serving columns (the CLI, tests): every encoding at once. */
  getPage(key: string): CachedPage | null;
  /**
   * The hot path: one indexed read of one encoding, the best of those the page has up to
   * `best` (dcz > br > gzip > identity), as raw bytes: no string, no encoding to UTF-8.
   */
  getPageBody(key: string, best: Encoding): PageBody | null;
  /** Whether the page is cached, reading no page bytes. */
  hasPage(key: string): boolean;
  getMapping(key: string): Mapping | null;
  setSeed(prompt: string): SeedChange;
  /** Stores a finished page, its children, its ledger row (and what it adds to the site's
   * memory) in one transaction. */
  savePage(page: NewPage, children: Mapping[], attempt: Attempt, memory?: PageMemory): void;
  /** The site's memory: bible, canon, full-text index (store/memory.ts). */
  readonly memory: MemoryStore;
  /** Records a failed or unfinished attempt: its money was spent all the same. */
  recordAttempt(attempt: Attempt): void;
  spentUsd(): number;
  listPages(): PageSummary[];
  /** Keys of the written pages, shallowest first, from an index (no page bytes are read). */
  pageKeysByDepth(): string[];
  /** Changes whenever a page is written or purged: two indexed reads, cheap per request. */
  pagesVersion(): string;
  /** Every mapped key with whether it is generated yet: the tree of the site and its frontier. */
  siteMap(): SiteNode[];
  stats(): Stats;
  /** Drops cached pages (their mappings stay, so they regenerate); returns the keys removed. */
  purge(keys: string[]): string[];
  /** Purges logged after `id`, oldest first: what a process holding pages must forget. */
  purgesAfter(id: number): { id: number; key: string }[];
  /** The newest purge's id: one read of the table's last row, cheap enough to poll. */
  lastPurgeId(): number;
  /** Every version of the page at `key`, the current one included, by number (versions.ts). */
  versions(key: string): PageVersion[];
  /** Kept version `n` of a page, or (null) the one that stopped being current last. */
  keptVersion(key: string, n: number | null): KeptVersion | null;
  /** Makes kept version `id` current again; false when it is no longer kept. */
  restoreVersion(key: string, id: number, etag: string, copies: PageCopies): boolean;
  /** The keys that have kept versions. */
  keptVersionKeys(): KeptSummary[];
  close(): void;
  readonly path: string;
  readonly readonly: boolean;
}

function openDatabase(path: string, readonly: boolean): Database {
  if (path !== ":memory:") {
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new UsageError(`database "${path}" is a directory, not an SQLite file`);
    }
    if (readonly && !existsSync(path)) {
      throw new UsageError(`database "${path}" does not exist`);
    }
  }
  try {
    const db = readonly
      ? new Database(path, { readonly: true, strict: true })
      : new Database(path, { create: true, strict: true });
    // Forces SQLite to read the header now, so a file that is not a database fails here.
    schemaVersion(db);
    return db;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot open database "${path}": ${(err as Error).message}`);
  }
}

export function openStore(path: string, opts: OpenOptions = {}): Store {
  const readonly = opts.readonly ?? false;
  const now = opts.clock ?? Date.now;
  const db = openDatabase(path, readonly);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    if (readonly) {
      const v = schemaVersion(db);
      if (v !== SCHEMA_VERSION) {
        throw new Error(`schema version ${v}, this rabbithole needs ${SCHEMA_VERSION}`);
      }
    } else {
      if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = NORMAL");
      migrate(db);
    }
  } catch (err) {
    db.close();
    throw new UsageError(`cannot use database "${path}": ${(err as Error).message}`);
  }
  return sqliteStore(path, db, readonly, now);
}

/** Opens the store for `fn` and closes it after, also when `fn` throws (or its promise settles). */
export function withStore<T>(path: string, opts: OpenOptions, fn: (store: Store) => T): T {
  const store = openStore(path, opts);
  let result: T;
  try {
    result = fn(store);
  } catch (err) {
    store.close();
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => store.close()) as T;
  store.close();
  return result;
}

function sqliteStore(path: string, db: Database, readonly: boolean, now: () => number): Store {
  const getPage = db.prepare<CachedPage, [string]>(
    "SELECT html, etag, gzip, br, dcz, dcz_dict FROM pages WHERE key = ?",
  );
  const getBody = pageBodyQueries(db);
  const hasPage = db.prepare<{ one: number }, [string]>("SELECT 1 AS one FROM pages WHERE key = ?");
  const getMapping = db.prepare<Mapping, [string]>(
    "SELECT key, prompt, depth, parent, title FROM mappings WHERE key = ?",
  );
  const write = <T>(fn: () => T): T => {
    if (readonly) throw new Error(`database "${path}" is open read-only`);
    return fn();
  };
  const memory = memoryStore(db, now);
  // Nothing that writes is prepared on a read-only database (a replica, a read-only command).
  const writes = readonly ? null : pageWrites(db, memory, now);
  const versions = versionQueries(db, now);

  return {
    path,
    readonly,
    getPage: (key) => getPage.get(key),
    getPageBody: (key, best) => getBody[best].get(key),
    hasPage: (key) => hasPage.get(key) !== null,
    getMapping: (key) => getMapping.get(key),
    setSeed: (prompt) =>
      write(() => {
        const current = getMapping.get("/");
        if (current?.prompt === prompt) return "unchanged";
        db.query(
          `INSERT INTO mappings (key, prompt, depth, parent, created_at) VALUES ('/', ?, 1, NULL, ?)
           ON CONFLICT (key) DO UPDATE SET prompt = excluded.prompt`,
        ).run(prompt, now());
        return current ? "updated" : "created";
      }),
    savePage: (page, children, attempt, mem) =>
      write(() => writes?.savePage(page, children, attempt, mem)),
    memory,
    recordAttempt: (attempt) => write(() => void writes?.recordAttempt(attempt)),
    spentUsd: () =>
      (db.query("SELECT total(cost_usd) AS spent FROM ledger").get() as { spent: number }).spent,
    listPages: () =>
      db
        .query(
          `SELECT key, depth, parent, model, length(CAST(html AS BLOB)) AS bytes,
             cost_usd AS costUsd, created_at AS createdAt FROM pages ORDER BY key`,
        )
        .all() as PageSummary[],
    pageKeysByDepth: () =>
      (
        db.query("SELECT key FROM pages INDEXED BY pages_depth_key ORDER BY depth, key").all() as {
          key: string;
        }[]
      ).map((r) => r.key),
    pagesVersion: () => {
      const row = db
        .query(
          `SELECT (SELECT coalesce(max(rowid), 0) FROM pages) AS page,
             (SELECT coalesce(max(id), 0) FROM purges) AS purge`,
        )
        .get() as { page: number; purge: number };
      return `${row.page}:${row.purge}`;
    },
    siteMap: () =>
      (
        db
          .query(
            `SELECT m.key, m.depth, m.parent, p.key IS NOT NULL AS generated,
               length(CAST(p.html AS BLOB)) AS bytes, p.cost_usd AS costUsd, p.model,
               coalesce(p.created_at, m.created_at) AS createdAt
             FROM mappings m LEFT JOIN pages p ON p.key = m.key ORDER BY m.depth, m.key`,
          )
          .all() as (Omit<SiteNode, "generated"> & { generated: number })[]
      ).map((n) => ({ ...n, generated: n.generated === 1 })),
    stats: () => readStats(db),
    purge: (keys) =>
      write(() => {
        const del = db.query("DELETE FROM pages WHERE key = ? RETURNING key");
        const log = db.query("INSERT INTO purges (key, at) VALUES (?, ?)");
        return db.transaction(() =>
          keys.filter((k) => {
            if (del.get(k) === null) return false;
            log.run(k, now());
            memory.forget(k);
            return true;
          }),
        )();
      }),
    purgesAfter: (id) =>
      db.query("SELECT id, key FROM purges WHERE id > ? ORDER BY id").all(id) as {
        id: number;
        key: string;
      }[],
    lastPurgeId: () =>
      (db.query("SELECT coalesce(max(id), 0) AS id FROM purges").get() as { id: number }).id,
    versions: versions.versions,
    keptVersion: versions.keptVersion,
    restoreVersion: (key, id, etag, copies) =>
      write(() => versions.restoreVersion(key, id, etag, copies)),
    keptVersionKeys: versions.keptVersionKeys,
    close: () => db.close(),
  };
}
