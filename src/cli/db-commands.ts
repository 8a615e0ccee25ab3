// The commands that inspect or edit the page cache: pages, stats, purge. They need no API key and
// no seed, and only purge writes.

import { existsSync } from "node:fs";
import { HttpError, UsageError } from "../core/errors.ts";
import { bytes, plural, usd, whole } from "../core/format.ts";
import { normalizeKey } from "../core/keys.ts";
import type { PageSummary, Stats } from "../core/types.ts";
import { litefsCluster } from "../store/litefs.ts";
import { SCHEMA_VERSION } from "../store/schema.ts";
import { openStore, type Store, withStore } from "../store/store.ts";

export function listPages(dbPath: string, json: boolean): string {
  return withStore(dbPath, { readonly: true }, (store) => {
    const pages = store.listPages().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (json) return JSON.stringify(pages, null, 2);
    if (pages.length === 0) return `no pages cached in ${dbPath}`;
    return pagesTable(pages);
  });
}

export function showStats(dbPath: string, maxCostUsd: number | null, json: boolean): string {
  return withStore(dbPath, { readonly: true }, (store) => {
    const s = store.stats();
    const left = maxCostUsd === null ? null : Math.max(0, maxCostUsd - s.spentUsd);
    if (json) return JSON.stringify({ ...s, maxCostUsd, budgetLeftUsd: left }, null, 2);
    return statsText(s, maxCostUsd, left);
  });
}

export interface PurgeResult {
  purged: string[];
  notCached: string[];
}

/**
 * Drops the pages of `urls`. A URL that is not cached is reported, not an error: after purge
 * it is not cached either way, so scripts can purge idempotently. `warn` hears when nothing at
 * all was purged, which is most often a typo in a URL.
 */
export function purgePages(
  dbPath: string,
  urls: string[],
  json: boolean,
  warn: (message: string) => void = () => {},
): string {
  if (urls.length === 0) {
    throw new UsageError("purge needs at least one URL, like: rabbithole purge /planets/mars.html");
  }
  const keys = [...new Set(urls.map(keyOf))];
  const result = withPrimaryStore(dbPath, "purge", (store): PurgeResult => {
    const purged = store.purge(keys);
    return { purged, notCached: keys.filter((k) => !purged.includes(k)) };
  });
  if (result.purged.length === 0) {
    warn(
      `nothing was purged: no cached page has ${keys.length === 1 ? "that URL" : "those URLs"} ` +
        "(rabbithole pages lists the cached ones)",
    );
  }
  if (json) return JSON.stringify(result, null, 2);
  const lines = [
    ...result.purged.map((k) => `purged      ${k}`),
    ...result.notCached.map((k) => `not cached  ${k}`),
  ];
  return lines.join("\n");
}

/** The page key of a path or a full http(s) URL, as the server would compute it. */
export function keyOf(url: string): string {
  let path = url.startsWith("/") ? url : `/${url}`;
  if (/^https?:\/\//i.test(url)) {
    const parsed = URL.parse(url);
    if (!parsed) throw new UsageError(`"${url}" is not a URL`);
    path = parsed.pathname;
  }
  try {
    return normalizeKey(path);
  } catch (err) {
    if (err instanceof HttpError)
      throw new UsageError(`"${url}" is not a page URL: ${err.message}`);
    throw err;
  }
}

// A write on a LiteFS replica fails with a bare "disk I/O error"; say what to do instead.
export function refuseReplica(dbPath: string, command: string): void {
  const role = litefsCluster(dbPath).role();
  if (role.primary) return;
  throw new UsageError(
    `"${dbPath}" is a LiteFS replica (the primary is ${role.host || "not connected yet"}): run ${command} on the primary`,
  );
}

/** A command that writes must not create the database it was told to change. */
export function requireDatabase(dbPath: string): void {
  if (dbPath !== ":memory:" && !existsSync(dbPath)) {
    throw new UsageError(`database "${dbPath}" does not exist`);
  }
}

/** What every command that writes runs in: the primary's existing database, opened to write. */
export function withPrimaryStore<T>(dbPath: string, command: string, fn: (store: Store) => T): T {
  refuseReplica(dbPath, command);
  requireDatabase(dbPath);
  return withStore(dbPath, {}, fn);
}

function pagesTable(pages: PageSummary[]): string {
  const rows = pages.map((p) => [
    p.key,
    String(p.depth),
    bytes(p.bytes),
    usd(p.costUsd, true),
    utcTime(p.createdAt),
  ]);
  const header = ["KEY", "DEPTH", "BYTES", "COST", "CREATED (UTC)"];
  // Numbers read best right-aligned; the key and date stay left.
  const right = [false, true, true, true, false];
  const total = pages.reduce((sum, p) => sum + p.costUsd, 0);
  const bytesTotal = pages.reduce((sum, p) => sum + p.bytes, 0);
  const footer = `${plural(pages.length, "page")}, ${bytes(bytesTotal)}, ${usd(total, true)}`;
  return [textTable(header, rows, right), "", footer].join("\n");
}

/** Columns padded to their widest cell; `right[i]` right-aligns column i. */
export function textTable(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (right[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [header, ...rows].map(line).join("\n");
}

/** A UTC time to the second, as the tables print it. */
export function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function statsText(s: Stats, maxCostUsd: number | null, left: number | null): string {
  const u = s.usage;
  const n = whole;
  const rows: [string, string][] = [
    ["pages", n(s.pages)],
    ["mappings", `${n(s.mappings)} (${n(s.pendingMappings)} not yet generated)`],
    ["attempts", `${n(s.attempts)} (${n(s.failedAttempts)} failed)`],
    [
      "tokens",
      `${n(u.inputTokens)} in, ${n(u.outputTokens)} out, ` +
        `${n(u.cacheWriteTokens)} cache write, ${n(u.cacheReadTokens)} cache read`,
    ],
    ["searches", n(u.webSearches)],
    ["spent", usd(s.spentUsd, true)],
  ];
  if (maxCostUsd !== null && left !== null) {
    rows.push(["budget", `${usd(left, true)} left of ${usd(maxCostUsd, true)}`]);
  }
  for (const m of s.byModel) {
    const attempts = `${n(m.attempts)} attempt${m.attempts === 1 ? "" : "s"}`;
    // The offline writer is its own provider and model: "offline", not "offline offline".
    const who = m.provider === m.model ? m.model : `${m.provider} ${m.model}`;
    rows.push(["model", `${who}: ${attempts}, ${usd(m.spentUsd, true)}`]);
  }
  return rows.map(([k, v]) => `${k.padEnd(10)}${v}`).join("\n");
}

/**
 * Creates or upgrades the schema and exits: LiteFS runs it before the server on candidates
 * (etc/litefs.yml). A candidate that is not the primary right now leaves it to the one that is.
 */
export function migrateDatabase(dbPath: string): string {
  const role = litefsCluster(dbPath).role();
  if (!role.primary)
    return `replica of ${role.host || "a primary not connected yet"}: migrations run on the primary`;
  openStore(dbPath).close();
  return `database ${dbPath} is at schema version ${SCHEMA_VERSION}`;
}
