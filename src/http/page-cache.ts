// The hot path: cached pages held in memory as ready-to-send bytes and headers, per encoding,
// bounded in bytes (the buffer, and the bookkeeping around it). A miss reads SQLite once, and
// only the encoding the client asked for: random traffic over a site larger than the cache
// misses most of the time, and a miss should cost no more than the page it sends. Pages never
// change once written, only disappear when purged: purges by this process evict at once,
// purges by another process (the CLI, the primary replicating to this replica) are picked up
// from the purge log within a poll.

import type { Store } from "../store/store.ts";
import type { Encoding, PageBody } from "../types.ts";
import { createGcPacer, type GcPacer } from "./gc-pacer.ts";
import { createRing, SLOT_OVERHEAD, type Slot } from "./page-ring.ts";

export type { Encoding } from "../types.ts";

export interface Variant {
  key: string;
  /** The page's identity ETag, opaque part: every variant's ETag contains it. */
  tag: string;
  encoding: Encoding;
  /** dcz only: the base64 SHA-256 of the dictionary its bytes need. */
  dict: string | null;
  /** Built once per variant; a Response is cheap to build around them (as cheap as a clone). */
  headers: Record<string, string>;
  /** Where its bytes are held; null when they could never fit, then `body` holds them. */
  slot: Slot<Variant> | null;
  body: Uint8Array<ArrayBuffer> | null;
}

/**
 * By the best encoding the client accepts. A page stored before compression existed has no
 * br: its br slot then holds the same gzip variant as its gzip slot. Likewise the dcz slot of a
 * page without a dcz copy holds its br variant, so that asking again costs no read.
 */
type Entry = Partial<Record<Encoding, Variant>>;

export interface PageCacheOptions {
  store: Store;
  /** Everything the cache may hold: bodies, plus up to an eighth of it for bookkeeping. */
  maxBytes: number;
  /** Headers every generated page carries (content type, caching, CSP). */
  headers: Record<string, string>;
  /** The homepage's instead: it is also the site's compression dictionary (dictionary.ts). */
  homeHeaders?: Record<string, string>;
  /** Paces full collections by what misses allocate; null: leave it all to the GC. */
  pacer?: GcPacer | null;
}

const ENCODINGS: Encoding[] = ["dcz", "br", "gzip", "identity"];

export type PageCache = ReturnType<typeof createPageCache>;

export function createPageCache(opts: PageCacheOptions) {
  const { store } = opts;
  const pages = new Map<string, Entry>();
  // A slot per variant held, each about SLOT_OVERHEAD with its variant and map entry.
  const maxSlots = Math.floor(opts.maxBytes / 8 / SLOT_OVERHEAD);
  const ring = createRing<Variant>(opts.maxBytes - maxSlots * SLOT_OVERHEAD, maxSlots, (slot) =>
    forget(slot.owner),
  );
  // Measured on 2 cores, 256 connections over 10,000 pages: 8 MiB keeps the dead pages under
  // ~30 MB; a full collection of this heap takes well under 1 ms, so 20 a second cost ~2 %.
  const pacer =
    opts.pacer === undefined
      ? createGcPacer({ everyBytes: 8 * 2 ** 20, minIntervalMs: 50 })
      : opts.pacer;
  let seenPurge = store.lastPurgeId();
  let timer: Timer | undefined;

  /** The ring overwrote the variant's bytes. */
  function forget(v: Variant): void {
    const entry = pages.get(v.key);
    if (!entry) return;
    for (const e of ENCODINGS) if (entry[e] === v) delete entry[e];
    if (ENCODINGS.every((e) => !entry[e])) pages.delete(v.key);
  }

  function evict(key: string): void {
    const entry = pages.get(key);
    if (!entry) return;
    pages.delete(key);
    for (const e of ENCODINGS) if (entry[e]?.slot) ring.free(entry[e].slot);
  }

  /** Writes the variant's bytes at the ring's head (again): a page read often never leaves. */
  function hold(v: Variant, bytes: Uint8Array): void {
    v.slot = ring.put(bytes, v);
    v.body = v.slot ? null : (bytes as Uint8Array<ArrayBuffer>);
  }

  /** Reads the page's best stored encoding up to `best`, and keeps it. */
  function load(key: string, best: Encoding, entry: Entry | undefined): Variant | null {
    const row = store.getPageBody(key, best);
    if (!row) return null;
    // The bytes read, and the Response's copy of them: both garbage soon.
    pacer?.allocated(row.body.byteLength * 2);
    const encoding = row.encoding === "identity" && best !== "identity" ? "gzip" : row.encoding;
    let v = entry?.[encoding];
    if (!v) {
      const page = legacyGzip(row, encoding);
      v = variantOf(key, page, key === "/" ? (opts.homeHeaders ?? opts.headers) : opts.headers);
      hold(v, page.body);
      if (!v.slot) return v;
    }
    // Evictions made room for it may have emptied the entry and dropped it from the map.
    entry = pages.get(key) ?? {};
    entry[encoding] = v;
    entry[best] = v;
    pages.set(key, entry);
    return v;
  }

  /** The variant held for `best`, read (and held) on a miss; null: no page. */
  function lookup(key: string, best: Encoding): Variant | null {
    const entry = pages.get(key);
    const hit = entry?.[best];
    if (!hit) return load(key, best, entry);
    if (hit.slot && ring.isOld(hit.slot)) {
      const bytes = ring.view(hit.slot).slice();
      ring.free(hit.slot);
      hold(hit, bytes);
    }
    return hit;
  }

  return {
    /**
     * The variant to send a client whose best accepted encoding is `best`, or the page's dcz
     * copy when the client holds `dict` (dictionary.ts) and the copy was made against it.
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
      return new Response(v.slot ? ring.view(v.slot) : v.body, { headers: v.headers });
    },
    /** Whether the page is cached, without reading its bytes. */
    has(key: string): boolean {
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
      ring.clear();
    },
    /** Pages held, and what they cost: their bytes plus each slot's bookkeeping. */
    get size() {
      return { pages: pages.size, bytes: ring.used + ring.slots * SLOT_OVERHEAD };
    },
  };
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

function variantOf(key: string, row: PageBody, base: Record<string, string>): Variant {
  const tag = row.etag.replace(/^W\//, "").replaceAll('"', "");
  const headers: Record<string, string> = {
    ...base,
    // A page with a dcz copy answers by the dictionary held as well, in every encoding.
    vary: row.dict === null ? "Accept-Encoding" : "Accept-Encoding, Available-Dictionary",
    etag: `"${tag}${SUFFIX[row.encoding]}"`,
  };
  if (row.encoding !== "identity") headers["content-encoding"] = row.encoding;
  const dict = row.encoding === "dcz" ? row.dict : null;
  return { key, tag, encoding: row.encoding, dict, headers, slot: null, body: null };
}

/** The best encoding the client accepts: br, then gzip, else identity. */
export function bestEncoding(acceptEncoding: string | null): Encoding {
  if (acceptEncoding) {
    if (acceptEncoding.includes("br") && accepts(acceptEncoding, "br")) return "br";
    if (acceptEncoding.includes("gzip") && accepts(acceptEncoding, "gzip")) return "gzip";
  }
  return "identity";
}

/** Accept-Encoding lists with q-values are rare; only they need parsing (q=0 means "not"). */
export function accepts(header: string, coding: string): boolean {
  if (!header.includes("q=")) return true;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    if (name.trim().toLowerCase() !== coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
