// The hot path: pages compressed once when stored, served from memory per encoding, bounded
// in bytes, forgotten when purged by this or any other process.

import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { createGcPacer } from "../../../src/http/page-cache/gc-pacer.ts";
import {
  createPageCache,
  held,
  VARIANT_OVERHEAD,
  type Variant,
} from "../../../src/http/page-cache/page-cache.ts";
import { openStore, type Store } from "../../../src/store/store.ts";
import { htmlDoc, pageReply } from "../../fixtures/fake-anthropic.ts";
import { seedPage } from "../../fixtures/seed.ts";
import { type Site, startSite } from "../../fixtures/site.ts";

const BODY = Array.from(
  { length: 200 },
  (_, i) => `<p>Paragraph ${i} about the moons of Mars.</p>`,
);
const DOC = htmlDoc("Mars", BODY.join("\n"));

let site: Site | undefined;
let dir: string | undefined;
afterEach(async () => {
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  site = dir = undefined;
});
function open(dbPath?: string) {
  site = startSite({ dbPath, handler: () => pageReply(DOC, []) });
  return site;
}
const enc = (e: string) => ({ headers: { "accept-encoding": e } });

describe("encodings", () => {
  test("br and gzip, compressed when stored, ≥ 4× smaller, the same document", async () => {
    const s = open();
    await s.get("/");
    const plain = await s.request("/");
    const identity = new Uint8Array(await plain.arrayBuffer());
    expect(new TextDecoder().decode(identity)).toBe(DOC);
    expect(plain.headers.get("vary")).toBe("Accept-Encoding");
    expect(plain.headers.get("content-encoding")).toBeNull();

    const br = await s.request("/", enc("gzip, deflate, br"));
    expect(br.headers.get("content-encoding")).toBe("br");
    const brBytes = new Uint8Array(await br.arrayBuffer());
    expect(brotliDecompressSync(brBytes).toString()).toBe(DOC);
    expect(identity.byteLength / brBytes.byteLength).toBeGreaterThanOrEqual(4);

    const gz = await s.request("/", enc("gzip"));
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const gzBytes = new Uint8Array(await gz.arrayBuffer());
    expect(gunzipSync(gzBytes).toString()).toBe(DOC);
    expect(identity.byteLength / gzBytes.byteLength).toBeGreaterThanOrEqual(4);

    const stored = s.store.getPage("/");
    expect(stored?.br?.byteLength).toBe(brBytes.byteLength);
    expect((await s.request("/", enc("br;q=0, gzip"))).headers.get("content-encoding")).toBe(
      "gzip",
    );
    expect((await s.request("/", enc("identity"))).headers.get("content-encoding")).toBeNull();
  });

  test("every variant has its own ETag, and any of them gets a 304 with no body", async () => {
    const s = open();
    await s.get("/");
    const tags = new Set<string>();
    for (const e of ["", "gzip", "br"]) {
      const res = await s.request("/", enc(e));
      const etag = res.headers.get("etag") as string;
      tags.add(etag);
      const again = await s.request("/", {
        headers: { "accept-encoding": e, "if-none-match": etag },
      });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
    }
    expect(tags.size).toBe(3);
    const stale = await s.request("/", { headers: { "if-none-match": '"nope"' } });
    expect(stale.status).toBe(200);
  });

  test("a page stored before compression existed is still served compressed", () => {
    const store = openStore(":memory:");
    seedPage(store, "/", { html: DOC });
    const cache = createPageCache({ store, maxBytes: 1e7, headers: {}, pacer: null });
    const br = cache.get("/", "br");
    expect(br?.encoding).toBe("gzip");
    expect(br?.headers.get("content-encoding")).toBe("gzip");
    expect(cache.get("/", "gzip")).toBe(br);
    expect(cache.size.pages).toBe(1);
  });
});

/** From now on, `store`'s page reads as "key encoding-asked-for", in order. */
function countReads(store: Store): string[] {
  const reads: string[] = [];
  const getPageBody = store.getPageBody;
  store.getPageBody = (key, best) => {
    reads.push(`${key} ${best}`);
    return getPageBody(key, best);
  };
  return reads;
}

/** A fresh store whose page reads are counted. */
function countingStore() {
  const store = openStore(":memory:");
  return { store, reads: countReads(store) };
}

async function seedEncoded(store: Store, key: string, html = DOC) {
  const { encodePage } = await import("../../../src/encoding/encode.ts");
  seedPage(store, key, { html, ...(await encodePage(html)) });
}

describe("a miss", () => {
  test("reads SQLite once, and only the encoding the client asked for", async () => {
    const { store, reads } = countingStore();
    await seedEncoded(store, "/a");
    const cache = createPageCache({ store, maxBytes: 1e7, headers: {}, pacer: null });
    const br = cache.get("/a", "br");
    expect(br?.encoding).toBe("br");
    const stored = store.getPage("/a");
    // Held: the br body and its bookkeeping, not the other encodings.
    expect(cache.size.bytes).toBeLessThan((stored?.br?.byteLength ?? 0) + 1024);
    expect(reads).toEqual(["/a br"]);
    cache.get("/a", "br");
    expect(reads).toEqual(["/a br"]);
    const plain = cache.get("/a", "identity");
    expect(plain?.encoding).toBe("identity");
    expect(reads).toEqual(["/a br", "/a identity"]);
    const res = cache.send(plain as Variant, null);
    expect(await res.text()).toBe(DOC);
  });

  test("an unknown page is one read and nothing held", () => {
    const { store, reads } = countingStore();
    const cache = createPageCache({ store, maxBytes: 1e7, headers: {}, pacer: null });
    expect(cache.get("/nope", "gzip")).toBeNull();
    expect(reads).toEqual(["/nope gzip"]);
    expect(cache.size).toEqual({ pages: 0, bytes: 0 });
    expect(cache.has("/nope")).toBe(false);
  });

  test("misses pace full collections by the bytes they allocate", async () => {
    const store = openStore(":memory:");
    for (const k of ["/a", "/b", "/c"]) seedPage(store, k, { html: DOC });
    let collections = 0;
    const pacer = createGcPacer({
      everyBytes: DOC.length * 3,
      minIntervalMs: 0,
      collect: () => collections++,
    });
    const cache = createPageCache({ store, maxBytes: 1e7, headers: {}, pacer });
    cache.get("/a");
    expect(collections).toBe(0);
    cache.get("/b");
    expect(collections).toBe(1);
    for (let i = 0; i < 10; i++) cache.get("/b");
    expect(collections).toBe(1);
  });
});

describe("memory and coherence", () => {
  test("bounded in bytes; pages read often stay while the others cycle through", async () => {
    const store = openStore(":memory:");
    const keys = Array.from({ length: 40 }, (_, i) => `/p/${i}`);
    for (const k of keys) seedPage(store, k, { html: DOC });
    const maxBytes = DOC.length * 10;
    const cache = createPageCache({ store, maxBytes, headers: {}, pacer: null });
    for (let round = 0; round < 5; round++) {
      for (const k of keys) {
        cache.get(k);
        cache.get("/p/0"); // the hot page, read between every other
        expect(cache.size.bytes).toBeLessThanOrEqual(maxBytes);
      }
    }
    expect(cache.size.pages).toBeGreaterThan(3);
    expect(cache.size.pages).toBeLessThan(10);
    const reads = countReads(store);
    for (const k of keys.slice(20)) {
      cache.get(k);
      cache.get("/p/0");
    }
    expect(reads.map((r) => r.split(" ")[0])).not.toContain("/p/0");
    expect(await cache.send(cache.get("/p/0") as Variant, null).text()).toBe(DOC);
  });

  test("a page is counted as the allocator holds it, with its bookkeeping", () => {
    // mimalloc rounds a block up to one of four sizes per power of two.
    expect(held(17_000)).toBe(20_480 + VARIANT_OVERHEAD);
    expect(held(16_384)).toBe(16_384 + VARIANT_OVERHEAD);
    expect(held(100)).toBe(100 + VARIANT_OVERHEAD);
    const store = openStore(":memory:");
    seedPage(store, "/a", { html: DOC });
    const cache = createPageCache({ store, maxBytes: 1e7, headers: {}, pacer: null });
    cache.get("/a");
    expect(cache.size.bytes).toBe(held(Buffer.byteLength(DOC)));
  });

  test("a page too large for the budget is served, not held", async () => {
    const store = openStore(":memory:");
    seedPage(store, "/big", { html: DOC });
    const cache = createPageCache({ store, maxBytes: 1000, headers: {}, pacer: null });
    const v = cache.get("/big") as Variant;
    expect(await cache.send(v, null).text()).toBe(DOC);
    expect(cache.size).toEqual({ pages: 0, bytes: 0 });
  });

  test("a purge by this process evicts at once", () => {
    const store = openStore(":memory:");
    seedPage(store, "/a", { html: DOC });
    const cache = createPageCache({ store, maxBytes: 1e7, headers: {}, pacer: null });
    cache.get("/a");
    expect(cache.size.pages).toBe(1);
    store.purge(["/a"]);
    cache.evict("/a");
    expect(cache.size).toEqual({ pages: 0, bytes: 0 });
    expect(cache.get("/a")).toBeNull();
  });

  test("a purge by another process (the CLI) is noticed; the page regenerates", async () => {
    dir = mkdtempSync(join(tmpdir(), "rabbithole-cache-"));
    const dbPath = join(dir, "site.db");
    const s = open(dbPath);
    await s.get("/");
    expect((await s.get("/")).status).toBe(200);
    const other = openStore(dbPath);
    expect(other.purge(["/"])).toEqual(["/"]);
    other.close();
    s.app.pages.sync();
    const again = await s.get("/");
    expect(again.status).toBe(200);
    expect(s.fake.calls).toBe(2);
  });

  test("serving cached pages never writes to the database", async () => {
    dir = mkdtempSync(join(tmpdir(), "rabbithole-cache-"));
    const dbPath = join(dir, "site.db");
    const s = open(dbPath);
    await s.get("/");
    // Checkpoint so the file holds everything, then hit the page many ways.
    const db = new Database(dbPath);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.close();
    const before = readFileSync(dbPath);
    const wal = () => readFileSync(`${dbPath}-wal`).byteLength;
    const walBefore = wal();
    for (const e of ["", "gzip", "br"]) for (let i = 0; i < 20; i++) await s.request("/", enc(e));
    s.app.pages.close();
    for (let i = 0; i < 5; i++) await s.request("/");
    expect(readFileSync(dbPath).equals(before)).toBe(true);
    expect(wal()).toBe(walBefore);
  });
});
