// Serving dcz: the homepage offers itself as the dictionary; a client that holds it and accepts
// dcz gets a page's dcz copy, anyone else br/gzip/identity as before; 304s across them all.

import { afterEach, describe, expect, test } from "bun:test";
import { zstdDecompressSync } from "node:zlib";
import { dictionaryHash } from "../../src/encoding/dcz.ts";
import { offeredDictionary, USE_AS_DICTIONARY } from "../../src/encoding/negotiate.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { keyOf, type Site, startSite } from "../fixtures/site.ts";

const NAV = `<nav>${["/", "/moths.html", "/maps.html"].map((h) => `<a href="${h}">${h}</a>`).join(" ")}</nav>`;
const STYLE = `<style>${Array.from({ length: 30 }, (_, i) => `.k${i}{padding:${i}px}`).join("")}</style>`;
let homeVersion = 1;
const home = () => htmlDoc("Atlas", `${STYLE}${NAV}<h1>Atlas, edition ${homeVersion}</h1>`);
const CHILD = htmlDoc("Moths", `${STYLE}${NAV}<h1>Moths</h1><p>They fly at night.</p>`);
const bytes = (s: string) => new TextEncoder().encode(s);
const BROWSER = "gzip, deflate, br, zstd, dcb, dcz";

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
  homeVersion = 1;
});

async function open(): Promise<Site> {
  site = startSite({
    handler: (body) => {
      const key = keyOf(body);
      const kids = key === "/" ? [{ url: "/moths.html", prompt: "Moths, same design" }] : [];
      return pageReply(key === "/" ? home() : CHILD, kids);
    },
  });
  await site.get("/");
  await site.get("/moths.html");
  await site.app.generator.drain();
  return site;
}
const held = (html: string) => `:${dictionaryHash(bytes(html))}:`;
const ask = (s: Site, path: string, headers: Record<string, string>, method = "GET") =>
  s.request(path, { method, headers });

describe("which dictionary the client offers", () => {
  test("only with dcz accepted and a well-formed byte sequence", () => {
    expect(offeredDictionary(BROWSER, ":abc=:")).toBe("abc=");
    expect(offeredDictionary(BROWSER, null)).toBeNull();
    expect(offeredDictionary("gzip, br", ":abc=:")).toBeNull();
    expect(offeredDictionary("br, dcz;q=0", ":abc=:")).toBeNull();
    expect(offeredDictionary("br;q=1, dcz;q=0.5", ":abc=:")).toBe("abc=");
    expect(offeredDictionary(BROWSER, "abc=")).toBeNull();
    expect(offeredDictionary(BROWSER, "::")).toBeNull();
  });
});

describe("serving dcz", () => {
  test("the dictionary held and dcz accepted: the dcz copy, decoding to the page", async () => {
    const s = await open();
    const res = await ask(s, "/moths.html", {
      "accept-encoding": BROWSER,
      "available-dictionary": held(home()),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("dcz");
    expect(res.headers.get("vary")).toBe("Accept-Encoding, Available-Dictionary");
    expect(res.headers.get("etag")).toMatch(/-dcz"$/);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const body = new Uint8Array(await res.arrayBuffer());
    const out = zstdDecompressSync(body.subarray(40), { dictionary: bytes(home()) });
    expect(out.toString("utf8")).toBe(CHILD);
  });

  test("a wrong hash, dcz refused, or no dictionary header: br as before", async () => {
    const s = await open();
    const cases: Record<string, string>[] = [
      { "accept-encoding": BROWSER, "available-dictionary": held("another homepage") },
      { "accept-encoding": "gzip, br, dcz;q=0", "available-dictionary": held(home()) },
      { "accept-encoding": BROWSER },
      { "accept-encoding": "gzip, br", "available-dictionary": held(home()) },
    ];
    for (const headers of cases) {
      const res = await ask(s, "/moths.html", headers);
      expect(res.headers.get("content-encoding")).toBe("br");
      expect(res.headers.get("etag")).toMatch(/-br"$/);
      // Still depends on the dictionary: a client holding the right one would get dcz.
      expect(res.headers.get("vary")).toBe("Accept-Encoding, Available-Dictionary");
    }
    const gz = await ask(s, "/moths.html", { "accept-encoding": "gzip, dcz" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
  });

  test("If-None-Match with any variant's ETag is a 304 for every other; HEAD sends none", async () => {
    const s = await open();
    const dictHeaders = { "accept-encoding": BROWSER, "available-dictionary": held(home()) };
    const dcz = await ask(s, "/moths.html", dictHeaders);
    const br = await ask(s, "/moths.html", { "accept-encoding": "br" });
    const dczTag = dcz.headers.get("etag") as string;
    const brTag = br.headers.get("etag") as string;
    expect(dczTag).not.toBe(brTag);
    const a = await ask(s, "/moths.html", { ...dictHeaders, "if-none-match": brTag });
    expect(a.status).toBe(304);
    expect(a.headers.get("etag")).toBe(dczTag);
    expect(await a.text()).toBe("");
    const b = await ask(s, "/moths.html", { "accept-encoding": "br", "if-none-match": dczTag });
    expect(b.status).toBe(304);
    const head = await ask(s, "/moths.html", dictHeaders, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers.get("content-encoding")).toBe("dcz");
    expect(await head.text()).toBe("");
  });

  test("the homepage offers itself as the dictionary and never varies on one", async () => {
    const s = await open();
    for (const ae of ["identity", "br", BROWSER]) {
      const res = await ask(s, "/", {
        "accept-encoding": ae,
        "available-dictionary": held(home()),
      });
      expect(res.headers.get("use-as-dictionary")).toBe(USE_AS_DICTIONARY);
      // Fresh-or-stale-while-revalidate is what lets a browser keep it (see dictionary.ts).
      expect(res.headers.get("cache-control")).toContain("stale-while-revalidate=");
      expect(res.headers.get("vary")).toBe("Accept-Encoding");
      expect(res.headers.get("content-encoding")).not.toBe("dcz");
    }
    const child = await ask(s, "/moths.html", { "accept-encoding": "br" });
    expect(child.headers.get("use-as-dictionary")).toBeNull();
  });

  test("a regenerated homepage has a new hash: older copies stop matching, fall back to br", async () => {
    const s = await open();
    const oldHome = home();
    s.store.purge(["/"]);
    s.app.pages.evict("/");
    homeVersion = 2;
    expect((await s.get("/")).body).toBe(home());
    await s.app.generator.drain();
    const fresh = await ask(s, "/moths.html", {
      "accept-encoding": BROWSER,
      "available-dictionary": held(home()),
    });
    expect(fresh.headers.get("content-encoding")).toBe("br");
    // A visitor still holding the old homepage can still decode the copy made against it.
    const old = await ask(s, "/moths.html", {
      "accept-encoding": BROWSER,
      "available-dictionary": held(oldHome),
    });
    expect(old.headers.get("content-encoding")).toBe("dcz");
  });
});
