// Databases of cached pages for the benchmarks, written through the store itself so that each
// page is stored exactly as a generation stores it (ETag, compressed variants), then
// multiplied by plain row copies so that 100,000 pages take seconds, not minutes of brotli.
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { type Mapping, ZERO_USAGE } from "../src/core/types.ts";
import { type EncodedPage, encodePage } from "../src/encoding/encode.ts";
import { openStore, type Store } from "../src/store/store.ts";
import { tempDir } from "./children.ts";
import { realisticPage } from "./page.ts";

export const SEED = "An illustrated atlas of Mars: its geology, its climate, and its explorers";

/** The key of page `i` in every benchmark database. */
export const pageKey = (i: number) => `/p/${i}.html`;

export interface DbSpec {
  /** Pages at `/p/0.html` … `/p/<count-1>.html`; the homepage `/` comes on top. */
  count: number;
  html: (key: string, i: number) => string;
  /** Pages written through savePage; the rest are copies of them under their own keys. */
  distinct?: number;
  /** The homepage; default: a page made by `html`; null: none (the seed's mapping only). */
  home?: string | null;
}

export async function buildDb(path: string, spec: DbSpec): Promise<void> {
  const distinct = Math.min(spec.count, spec.distinct ?? 200);
  const pages: [string, string][] = [];
  if (spec.home !== null) pages.push(["/", spec.home ?? spec.html("/", -1)]);
  for (let i = 0; i < distinct; i++) pages.push([pageKey(i), spec.html(pageKey(i), i)]);
  // Compressed as the generator does before it stores a page, all at once on the thread pool:
  // every page but / also against the homepage (dcz), when there is one.
  const dict = spec.home === null ? null : Buffer.from(pages[0]?.[1] ?? "");
  const encoded = await Promise.all(
    pages.map(([key, html]) => encodePage(html, key === "/" ? null : dict)),
  );
  const store = openStore(path);
  try {
    store.setSeed(SEED);
    for (const [i, [key, html]] of pages.entries()) {
      save(store, key, html, encoded[i] as EncodedPage);
    }
  } finally {
    store.close();
  }
  if (spec.count > distinct) copyPages(path, distinct, spec.count);
}

function save(store: Store, key: string, html: string, encoded: EncodedPage): void {
  const home = key === "/";
  const meta = { model: "bench", usage: ZERO_USAGE, costUsd: 0, rounds: 1 };
  const children: Mapping[] = [];
  store.savePage(
    {
      ...meta,
      ...encoded,
      key,
      html,
      prompt: `The page ${key}`,
      depth: home ? 1 : 2,
      parent: home ? null : "/",
      genMs: 0,
    },
    children,
    { ...meta, key, outcome: "ok", error: null, startedAt: 0, durationMs: 0 },
  );
}

/**
 * Copies page `i % distinct` to key `i` for the rest, in one transaction. Every table with a
 * `key` column except the mappings and the ledger is copied, so a per-page table the store may
 * grow (compressed variants, say) is copied along with the page row.
 */
function copyPages(path: string, distinct: number, count: number): void {
  const db = new Database(path, { strict: true });
  try {
    const tables = db
      .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name)
      .filter((t) => t !== "mappings" && t !== "ledger" && !t.startsWith("sqlite_"));
    const copies = tables.flatMap((table) => {
      // An integer primary key other than the page key is a rowid: left for SQLite to assign.
      const cols = db
        .query<{ name: string; type: string; pk: number }, []>(
          `SELECT name, type, pk FROM pragma_table_info('${table}')`,
        )
        .all()
        .filter((c) => c.name === "key" || !(c.pk > 0 && /^integer$/i.test(c.type)))
        .map((c) => `"${c.name}"`);
      if (!cols.includes('"key"')) return [];
      const select = cols.map((c) => (c === '"key"' ? "?1" : c)).join(", ");
      const into = `INSERT INTO "${table}" (${cols.join(", ")})`;
      return [db.prepare(`${into} SELECT ${select} FROM "${table}" WHERE key = ?2`)];
    });
    db.transaction(() => {
      for (let i = distinct; i < count; i++) {
        for (const copy of copies) copy.run(pageKey(i), pageKey(i % distinct));
      }
    })();
    // Folds the WAL into the file, so that no server start pays for replaying it.
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.close();
  }
}

let tenThousand: string | undefined;

/** 10,000 realistic pages (~170 MB), built once per run for the sections that share it. */
export async function tenThousandPages(): Promise<string> {
  if (tenThousand) return tenThousand;
  const path = join(tempDir("10k"), "10k.db");
  const started = performance.now();
  await buildDb(path, { count: 10_000, html: (key, i) => realisticPage(key, i) });
  console.error(`  built ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  tenThousand = path;
  return path;
}
