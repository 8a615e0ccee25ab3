// The hot path: cached pages held in memory as ready-to-send bytes and headers, per encoding,
// bounded in bytes (the buffer, and the bookkeeping around it). A miss reads SQLite once, and
// only the encoding the client asked for: random traffic over a site larger than the cache
// misses most of the time, and a miss should cost no more than the page it sends. Pages never
// change once written, only disappear when purged: purges by this process evict at once,
// purges by another process (the CLI, the primary replicating to this replica) are picked up
// from the purge log within a poll.

import type { Encoding, PageBody } from "../../core/types.ts";
import type { Store } from "../../store/store.ts";
import { createGcPacer, type GcPacer } from "./gc-pacer.ts";
import { createLru } from "./lru.ts";

export interface Variant {
  /** The page's identity ETag, opaque part: every variant's ETag contains it. */
  tag: string;
  encoding: Encoding;
  /** dcz only: the base64 SHA-256 of the dictionary its bytes need. */
  dict: string | null;
  /** Built once per variant: a Response takes a Headers instance faster than a plain object. */
  headers: Headers;
  /**
   * The bytes to send. A Blob is immutable, so a Response shares it instead of copying it (as
   * it copies a typed array): a hit sends its page without touching its bytes.
   */
  body: Blob;
  /** `{ headers }`, built once, for the 200. */
  init: ResponseInit;
}

/**
 * By the best encoding the client accepts. A page stored before compression existed has no
 * br: its br slot then holds the same gzip variant as its gzip slot. Likewise the dcz slot of a
 * page without a dcz copy holds its br variant, so that asking again costs no read.
 */
type Entry = Partial<Record<Encoding, Variant>>;

export interface PageCacheOptions {
  store: Store;
  /** Everything the cache may hold: bodies, plus what each variant costs beside its bytes. */
  maxBytes: number;
  /** Headers every generated page carries (content type, caching, CSP). */
  headers: Record<string, string>;
  /** The homepage's instead: it is also the site's compression dictionary (encoding/negotiate.ts). */
  homeHeaders?: Record<string, string>;
  /** Paces full collections by what misses allocate; null: leave it all to the GC. */
  pacer?: GcPacer | null;
}

const ENCODINGS: Encoding[] = ["dcz", "br", "gzip", "identity"];

/**
 * What a variant costs beside its body: the Blob's wrapper, the Headers instance, the variant
 * and its entry in the map. Measured at 460–620 B on Bun 1.4.5 (RSS over 20,000 variants).
 */
export const VARIANT_OVERHEAD = 768;

export type PageCache = ReturnType<typeof createPageCache>;

export function createPageCache(opts: PageCacheOptions) {
  const { store } = opts;
  const pages = createLru<Entry>(opts.maxBytes);
  // Measured on 2 cores, 256 connections over 10,000 pages (~20,000 misses a second): an evicted
  // Blob is old garbage that only a full collection frees, so the interval bounds what waits.
  // 50 ms let RSS peak near 140 MB, 10 ms near 107 MB. A full collection here takes ~2 ms: only
  // traffic made of misses pays for it, up to a fifth of a core.
  const pacer =
    opts.pacer === undefined
      ? createGcPacer({ everyBytes: 8 * 2 ** 20, minIntervalMs: 10 })
      : opts.pacer;
  let seenPurge = store.lastPurgeId();
  let timer: Timer | undefined;

  function evict(key: string): void {
    pages.delete(key);
  }

  /** Reads the page's best stored encoding up to `best`, and keeps it. */
  function load(key: string, best: Encoding, entry: Entry | undefined): Variant | null {
    const row = store.getPageBody(key, best);
    if (!row) return null;
    // The bytes read (garbage at once), and the Blob's copy of them (garbage once evicted).
    pacer?.allocated(row.body.byteLength + held(row.body.byteLength));
    const encoding = row.encoding === "identity" && best !== "identity" ? "gzip" : row.encoding;
    const headers = key === "/" ? (opts.homeHeaders ?? opts.headers) : opts.headers;
    const v = entry?.[encoding] ?? variantOf(legacyGzip(row, encoding), headers);
    const next: Entry = { ...entry, [encoding]: v, [best]: v };
    pages.set(key, next, cost(next));
    return v;
  }

  /** The variant held for `best`, read (and held) on a miss; null: no page. */
  function lookup(key: string, best: Encoding): Variant | null {
    const entry = pages.get(key);
    return entry?.[best] ?? load(key, best, entry);
  }

  return {
    /**
     * The variant to send a client whose best accepted encoding is `best`, or the page's dcz
     * copy when the client holds `dict` (encoding/negotiate.ts) and the copy was made against it.
     * Null: no page.
     */
    get(key: string, best: Encoding = "identity", dict: string | null = null): Variant | null {
      if (dict !== null) {
        const d = lookup(key, "dcz");
        if (!d || (d.encoding === "dcz" && d.dict === dict)) return d;
      }
      return lookup(key, best);
    },
    /** The response for a variant: a 304 when the client already holds the page. */
    send(v: Variant, ifNoneMatch: string | null): Response {
      // Any of the page's ETags (one per encoding) names the same document.
      if (ifNoneMatch?.includes(v.tag))
        return new Response(null, { status: 304, headers: v.headers });
      return new Response(v.body, v.init);
    },
    /** Whether the page is cached, without reading its bytes. */
    has(key: string): boolean {
      // A look, not a read: /__ready polls must not keep a page in memory.
      return pages.has(key) || store.hasPage(key);
    },
    evict,
    /** Forgets pages purged (by any process) since the last call. */
    sync(): void {
      if (store.lastPurgeId() === seenPurge) return;
      for (const { id, key } of store.purgesAfter(seenPurge)) {
        seenPurge = id;
        evict(key);
      }
    },
    /** Polls for outside purges; the timer never keeps the process alive. */
    watch(intervalMs = 500): void {
      clearInterval(timer);
      timer = setInterval(() => {
        try {
          this.sync();
        } catch {
          // A database being closed or replaced under us: the next poll tries again.
        }
      }, intervalMs);
      timer.unref();
    },
    close(): void {
      clearInterval(timer);
      pages.clear();
    },
    /** Pages held, and what they cost: their bodies plus each variant's bookkeeping. */
    get size() {
      return { pages: pages.size, bytes: pages.bytes };
    },
  };
}

/** An entry's bytes: each distinct variant once (a legacy page's br and gzip are one). */
function cost(entry: Entry): number {
  let bytes = 0;
  for (const e of ENCODINGS) {
    const v = entry[e];
    if (v && (e === v.encoding || entry[v.encoding] !== v)) bytes += held(v.body.size);
  }
  return bytes;
}

/**
 * What a body of `size` bytes really takes: Bun's allocator (mimalloc) rounds a block up to one
 * of four sizes per power of two (a 17,000-byte page takes 20,480), measured on Bun 1.4.5.
 */
export function held(size: number): number {
  if (size <= 1024) return size + VARIANT_OVERHEAD;
  const step = 2 ** Math.floor(Math.log2(size - 1)) / 4;
  return Math.ceil(size / step) * step + VARIANT_OVERHEAD;
}

/**
 * A page stored before compression existed came back as identity to a client that accepts
 * gzip: gzip it now (fast), in memory only, since the read path never writes.
 */
function legacyGzip(row: PageBody, encoding: Encoding): PageBody {
  if (row.encoding === encoding) return row;
  return { ...row, encoding: "gzip", body: Bun.gzipSync(row.body, { level: 6 }) };
}

const SUFFIX: Record<Encoding, string> = { identity: "", gzip: "-gz", br: "-br", dcz: "-dcz" };

function variantOf(row: PageBody, base: Record<string, string>): Variant {
  const tag = row.etag.replace(/^W\//, "").replaceAll('"', "");
  const headers = new Headers({
    ...base,
    // A page with a dcz copy answers by the dictionary held as well, in every encoding.
    vary: row.dict === null ? "Accept-Encoding" : "Accept-Encoding, Available-Dictionary",
    etag: `"${tag}${SUFFIX[row.encoding]}"`,
  });
  if (row.encoding !== "identity") headers.set("content-encoding", row.encoding);
  const body = new Blob([row.body]);
  const dict = row.encoding === "dcz" ? row.dict : null;
  return { tag, encoding: row.encoding, dict, headers, body, init: { headers } };
}
