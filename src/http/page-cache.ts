// The hot path: cached pages held in memory as ready-to-send bytes and headers, per encoding,
// in an LRU bounded by bytes. A miss reads SQLite once. Pages never change once written, only
// disappear when purged: purges by this process evict at once, purges by another process (the
// CLI, the primary replicating to this replica) are picked up from the purge log within a poll.

import type { Store } from "../store/store.ts";
import type { CachedPage } from "../types.ts";

export type Encoding = "br" | "gzip" | "identity";

export interface Variant {
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
  /**
   * Built once; a hit sends a clone. Building a Response (its headers above all) costs ~6 µs,
   * a clone well under 1 µs: on the hot path that is most of the time a request takes.
   */
  response: Response;
  notModified: Response;
}

export interface PreparedPage {
  /** The identity ETag's opaque part: every variant's ETag contains it. */
  tag: string;
  variants: Record<Encoding, Variant | null>;
  bytes: number;
}

export interface PageCacheOptions {
  store: Store;
  maxBytes: number;
  /** Headers every generated page carries (content type, caching, CSP). */
  headers: Record<string, string>;
}

const encoder = new TextEncoder();

export type PageCache = ReturnType<typeof createPageCache>;

export function createPageCache(opts: PageCacheOptions) {
  const { store } = opts;
  const lru = new Map<string, PreparedPage>();
  let bytes = 0;
  let seenPurge = store.lastPurgeId();
  let timer: Timer | undefined;

  function evict(key: string): void {
    const page = lru.get(key);
    if (!page) return;
    lru.delete(key);
    bytes -= page.bytes;
  }

  function insert(key: string, page: PreparedPage): void {
    if (page.bytes > opts.maxBytes) return;
    lru.set(key, page);
    bytes += page.bytes;
    // Map iteration order is insertion order: the first keys are the least recently used.
    for (const oldest of lru.keys()) {
      if (bytes <= opts.maxBytes) break;
      evict(oldest);
    }
  }

  return {
    get(key: string): PreparedPage | null {
      const hit = lru.get(key);
      if (hit) {
        lru.delete(key);
        lru.set(key, hit);
        return hit;
      }
      const page = store.getPage(key);
      if (!page) return null;
      const prepared = prepare(page, opts.headers);
      insert(key, prepared);
      return prepared;
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
      lru.clear();
      bytes = 0;
    },
    get size() {
      return { pages: lru.size, bytes };
    },
  };
}

function prepare(page: CachedPage, base: Record<string, string>): PreparedPage {
  const tag = page.etag.replace(/^W\//, "").replaceAll('"', "");
  const variant = (body: Uint8Array | null, encoding: Encoding, suffix: string): Variant | null => {
    if (!body) return null;
    const headers = {
      ...base,
      vary: "Accept-Encoding",
      etag: `"${tag}${suffix}"`,
      ...(encoding === "identity" ? {} : { "content-encoding": encoding }),
    };
    const bytes = body as Uint8Array<ArrayBuffer>;
    return {
      body: bytes,
      headers,
      response: new Response(bytes, { headers }),
      notModified: new Response(null, { status: 304, headers }),
    };
  };
  const identity = encoder.encode(page.html);
  // Pages stored before compression existed get gzip now (fast), in memory only: the read
  // path never writes.
  const gzip = page.gzip ?? Bun.gzipSync(identity, { level: 6 });
  const variants = {
    identity: variant(identity, "identity", ""),
    gzip: variant(gzip, "gzip", "-gz"),
    br: variant(page.br, "br", "-br"),
  };
  return {
    tag,
    variants,
    bytes: identity.byteLength + gzip.byteLength + (page.br?.byteLength ?? 0),
  };
}

/** The best encoding the client accepts among those the page has. */
export function chooseVariant(page: PreparedPage, acceptEncoding: string | null): Variant {
  const { br, gzip, identity } = page.variants;
  if (acceptEncoding) {
    if (br && acceptEncoding.includes("br") && accepts(acceptEncoding, "br")) return br;
    if (gzip && acceptEncoding.includes("gzip") && accepts(acceptEncoding, "gzip")) return gzip;
  }
  return identity as Variant;
}

/** Accept-Encoding lists with q-values are rare; only they need parsing (q=0 means "not"). */
function accepts(header: string, coding: string): boolean {
  if (!header.includes("q=")) return true;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    if (name.trim().toLowerCase() !== coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
