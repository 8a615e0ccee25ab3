// The hot path: pages compressed once when stored, served from memory per encoding, bounded
// in bytes, forgotten when purged by this or any other process.

import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { createPageCache } from "../src/http/page-cache.ts";
import { openStore } from "../src/store/store.ts";
import { htmlDoc, pageReply } from "./fixtures/fake-anthropic.ts";
import { seedPage } from "./fixtures/seed.ts";
import { type Site, startSite } from "./fixtures/site.ts";

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
    const cache = createPageCache({ store, maxBytes: 1e7, headers: {} });
    const page = cache.get("/");
    expect(page?.variants.br).toBeNull();
    expect(gunzipSync(page?.variants.gzip?.body as Uint8Array).toString()).toBe(DOC);
  });
});

describe("memory and coherence", () => {
  test("bounded in bytes: the least recently used pages go first", async () => {
    const s = open();
    for (const k of ["/a", "/b", "/c"]) {
      seedPage(s.store, k, { html: DOC });
    }
    const one = createPageCache({ store: s.store, maxBytes: 1e9, headers: {} }).get("/a")
      ?.bytes as number;
    const cache = createPageCache({ store: s.store, maxBytes: one * 2.5, headers: {} });
    cache.get("/a");
    cache.get("/b");
    cache.get("/a"); // /a is now the most recent
    cache.get("/c"); // evicts /b
    expect(cache.size.pages).toBe(2);
    expect(cache.size.bytes).toBeLessThanOrEqual(one * 2.5);
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
