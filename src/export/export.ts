// `rabbithole export DIR`: the cached site as static files anyone can host without an LLM. It
// reads the database through a read-only connection (no migration, no pragma that writes, no
// checkpoint), so it runs on a LiteFS replica and beside a server that holds the file, and
// leaves the file as it was, byte for byte. One page's HTML is in memory at a time.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { UsageError } from "../core/errors.ts";
import type { PageSummary } from "../core/types.ts";
import { type Store, withStore } from "../store/store.ts";
import { assignFiles, MISSING_FILE } from "./files.ts";
import { type LinkTargets, type MissingReason, rewriteLinks } from "./links.ts";
import { type ExportedPage, entryPage, missingPage, robots, sitemap } from "./site-files.ts";
import { MANIFEST, prepareDir } from "./target.ts";

export interface ExportOptions {
  dbPath: string;
  dir: string;
  /** The key whose subtree (it and the pages it led to) is exported; null: the whole site. */
  from: string | null;
  /** Where the export will be served, ending in "/": absolute sitemap URLs. */
  siteUrl: string | null;
  force: boolean;
  /** Names the export in its manifest, like "rabbithole 1.2.3". */
  generator: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportSummary {
  dir: string;
  pages: number;
  /** The pages' files, as written. */
  bytes: number;
  costUsd: number;
  /** Links (each occurrence) that lead to the not-written page, and the pages they name. */
  missingLinks: number;
  missingPages: number;
  /** Files of an earlier export removed first (--force). */
  replaced: number;
  files: number;
}

export function exportSite(opts: ExportOptions): ExportSummary {
  return withStore(opts.dbPath, { readonly: true }, (store) => exportFrom(store, opts));
}

function exportFrom(store: Store, opts: ExportOptions): ExportSummary {
  const all = store.listPages();
  const mapped = new Map(store.siteMap().map((n) => [n.key, n]));
  const inExport = opts.from === null ? null : subtree(opts.from, all, mapped);
  const pages = inExport ? all.filter((p) => inExport.has(p.key)) : all;
  if (pages.length === 0) throw nothingToExport(opts);
  const replaced = prepareDir(opts.dir, opts.force);

  const files = assignFiles(pages.map((p) => p.key));
  const written = new Set(all.map((p) => p.key));
  const targets: LinkTargets = {
    fileOf: (key) => files.get(key),
    reasonOf: (key): MissingReason => {
      if (key === null) return "unknown";
      if (written.has(key)) return "outside-export";
      return mapped.has(key) ? "not-written" : "unknown";
    },
  };
  const write = (file: string, text: string) => {
    const path = join(opts.dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return Buffer.byteLength(text);
  };

  const exported: ExportedPage[] = [];
  const missing = new Map<string, { url: string; reason: MissingReason; links: number }>();
  let bytes = 0;
  let missingLinks = 0;
  for (const [i, p] of pages.entries()) {
    const file = files.get(p.key) as string;
    const html = store.getPage(p.key)?.html;
    if (html === undefined) continue; // purged while we read: it is not in this export
    const page = rewriteLinks(html, { key: p.key, file }, targets);
    const size = write(file, page.html);
    bytes += size;
    for (const m of page.missing) {
      missingLinks++;
      const seen = missing.get(m.key) ?? { url: m.key, reason: m.reason, links: 0 };
      seen.links++;
      missing.set(m.key, seen);
    }
    const version = store.versions(p.key).find((v) => v.current)?.version ?? null;
    exported.push(provenance(p, file, size, version));
    opts.onProgress?.(i + 1, pages.length);
  }

  const extra = [MISSING_FILE, "sitemap.xml", "robots.txt"];
  write(MISSING_FILE, missingPage());
  if (!files.has("/")) {
    const top = pages.reduce((a, b) => (b.depth < a.depth ? b : a));
    const start = opts.from !== null && files.has(opts.from) ? opts.from : top.key;
    write("index.html", entryPage(files.get(start) as string, start));
    extra.push("index.html");
  }
  write("sitemap.xml", sitemap(exported, opts.siteUrl));
  write("robots.txt", robots(opts.siteUrl));
  const costUsd = exported.reduce((sum, p) => sum + p.costUsd, 0);
  const manifest = {
    generator: opts.generator,
    exportedAt: new Date().toISOString(),
    from: opts.from ?? "/",
    siteUrl: opts.siteUrl,
    totals: { pages: exported.length, bytes, costUsd, missingLinks, missingPages: missing.size },
    pages: exported,
    missing: [...missing.values()].sort((a, b) => (a.url < b.url ? -1 : 1)),
    files: [...exported.map((p) => p.file), ...extra, MANIFEST],
  };
  write(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    dir: opts.dir,
    pages: exported.length,
    bytes,
    costUsd,
    missingLinks,
    missingPages: missing.size,
    replaced,
    files: manifest.files.length,
  };
}

/** The key and every page it led to: its children by the links that first promised them. */
function subtree(
  from: string,
  pages: PageSummary[],
  mapped: Map<string, { parent: string | null }>,
): Set<string> {
  if (!mapped.has(from) && !pages.some((p) => p.key === from)) {
    throw new UsageError(
      `--from "${from}": no page of the site has that URL, nor links to it (rabbithole pages lists them)`,
    );
  }
  const children = new Map<string, string[]>();
  const link = (key: string, parent: string | null) => {
    if (parent === null || parent === key) return;
    children.set(parent, [...(children.get(parent) ?? []), key]);
  };
  for (const [key, m] of mapped) link(key, m.parent);
  for (const p of pages) if (!mapped.has(p.key)) link(p.key, p.parent);
  const found = new Set([from]);
  const queue = [from];
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    for (const child of children.get(key) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      queue.push(child);
    }
  }
  return found;
}

function provenance(p: PageSummary, file: string, bytes: number, version: number | null) {
  return {
    url: p.key,
    file,
    version,
    model: p.model,
    createdAt: new Date(p.createdAt).toISOString(),
    costUsd: p.costUsd,
    bytes,
    depth: p.depth,
    parent: p.parent,
  };
}

function nothingToExport(opts: ExportOptions): UsageError {
  if (opts.from !== null) {
    return new UsageError(`--from "${opts.from}": no page of that subtree has been written yet`);
  }
  return new UsageError(`no pages cached in ${opts.dbPath}: nothing to export`);
}
