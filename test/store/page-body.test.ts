// The hot read: one statement per encoding a client may take, each returning the best copy the
// page has up to that one (dcz > br > gzip > identity), named, with the dcz dictionary always.

import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { pageBodyQueries } from "../../src/store/page-body.ts";
import { migrate } from "../../src/store/schema.ts";

const HTML = "<!DOCTYPE html><p>Café — ünïcode</p>";
const bytes = (s: string) => new TextEncoder().encode(s);
const GZ = bytes("gzip-bytes");
const BR = bytes("br-bytes");
const DCZ = bytes("dcz-bytes");

function storeWith(
  rows: { key: string; gzip?: Uint8Array; br?: Uint8Array; dcz?: Uint8Array; dict?: string }[],
) {
  const db = new Database(":memory:", { strict: true });
  migrate(db);
  const insert = db.prepare(
    `INSERT INTO pages (key, html, etag, prompt, depth, model, input_tokens, output_tokens,
       cache_write_tokens, cache_read_tokens, web_searches, cost_usd, rounds, gen_ms, created_at,
       gzip, br, dcz, dcz_dict) VALUES (?, ?, ?, 'p', 1, 'm', 0, 0, 0, 0, 0, 0, 1, 0, 0, ?, ?, ?, ?)`,
  );
  for (const r of rows) {
    insert.run(
      r.key,
      HTML,
      `"${r.key}"`,
      r.gzip ?? null,
      r.br ?? null,
      r.dcz ?? null,
      r.dict ?? null,
    );
  }
  return pageBodyQueries(db);
}

const read = (q: ReturnType<typeof pageBodyQueries>, key: string) =>
  Object.fromEntries(
    (["dcz", "br", "gzip", "identity"] as const).map((e) => {
      const b = q[e].get(key);
      return [
        e,
        b && { encoding: b.encoding, body: new TextDecoder().decode(b.body), dict: b.dict },
      ];
    }),
  );

describe("pageBodyQueries", () => {
  test("a page with every copy: each read returns exactly the encoding asked for", () => {
    const q = storeWith([{ key: "/", gzip: GZ, br: BR, dcz: DCZ, dict: "sha-home" }]);
    expect(read(q, "/")).toEqual({
      dcz: { encoding: "dcz", body: "dcz-bytes", dict: "sha-home" },
      br: { encoding: "br", body: "br-bytes", dict: "sha-home" },
      gzip: { encoding: "gzip", body: "gzip-bytes", dict: "sha-home" },
      identity: { encoding: "identity", body: HTML, dict: "sha-home" },
    });
    expect(q.identity.get("/")?.etag).toBe('"/"');
  });

  test("a page stored before compression: every read falls back to identity, named so", () => {
    const q = storeWith([{ key: "/old.html" }]);
    for (const b of Object.values(read(q, "/old.html"))) {
      expect(b).toEqual({ encoding: "identity", body: HTML, dict: null });
    }
  });

  test("the identity body is the stored UTF-8 bytes, not a re-encoded string", () => {
    const q = storeWith([{ key: "/" }]);
    const body = q.identity.get("/")?.body;
    expect(body).toBeInstanceOf(Uint8Array);
    expect(body?.byteLength).toBe(Buffer.byteLength(HTML));
    expect(Buffer.from(body ?? new Uint8Array()).equals(Buffer.from(HTML))).toBe(true);
  });

  test("each fallback takes the next best copy the page has", () => {
    const q = storeWith([
      { key: "/gz.html", gzip: GZ },
      { key: "/br.html", gzip: GZ, br: BR },
      { key: "/dcz-only.html", dcz: DCZ, dict: "d" },
    ]);
    const gz = read(q, "/gz.html");
    expect([gz.dcz?.encoding, gz.br?.encoding, gz.gzip?.encoding]).toEqual([
      "gzip",
      "gzip",
      "gzip",
    ]);
    expect(gz.br?.body).toBe("gzip-bytes");
    const br = read(q, "/br.html");
    expect([br.dcz?.encoding, br.br?.encoding, br.gzip?.encoding]).toEqual(["br", "br", "gzip"]);
    // A dcz copy is never sent to a client that did not offer dcz.
    const dcz = read(q, "/dcz-only.html");
    expect([dcz.dcz?.encoding, dcz.br?.encoding, dcz.gzip?.encoding]).toEqual([
      "dcz",
      "identity",
      "identity",
    ]);
  });

  test("a key with no page reads null in every encoding", () => {
    const q = storeWith([]);
    expect(Object.values(read(q, "/nope.html"))).toEqual([null, null, null, null]);
  });
});
