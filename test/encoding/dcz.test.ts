// dcz (RFC 9842): a page compressed against the homepage, framed exactly as browsers expect,
// made once when the page is stored.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { constants, zstdDecompressSync } from "node:zlib";
import { DCZ_HEADER_BYTES, dictionaryHash, encodeDcz } from "../../src/encoding/dcz.ts";
import { encodePage } from "../../src/encoding/encode.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { keyOf, startSite } from "../fixtures/site.ts";

// Two pages of one site: the same head, style and navigation, different prose.
const STYLE = `<style>${Array.from({ length: 40 }, (_, i) => `.c${i}{margin:${i}px}`).join("")}</style>`;
const NAV = `<nav>${["/", "/moths.html", "/moons.html", "/maps.html"].map((h) => `<a href="${h}">${h}</a>`).join(" ")}</nav>`;
const page = (title: string, words: string) =>
  htmlDoc(
    title,
    `${STYLE}<header>${NAV}</header><h1>${title}</h1><p>${words}</p><footer>${NAV}</footer>`,
  );
const HOME = page("The atlas", "Every page of this atlas starts here, with a map of the planets.");
const CHILD = page("Moths", "Moths come to light at night and rest by day on bark and leaves.");
const bytes = (s: string) => new TextEncoder().encode(s);

describe("dcz framing", () => {
  test("magic, the dictionary's SHA-256, then a zstd frame that needs the dictionary", async () => {
    const dict = bytes(HOME);
    const { dcz, dict: hash } = await encodeDcz(bytes(CHILD), dict);
    const sha = createHash("sha256").update(dict).digest();
    expect(DCZ_HEADER_BYTES).toBe(40);
    expect([...dcz.subarray(0, 8)]).toEqual([0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00]);
    expect(Buffer.from(dcz.subarray(8, 40)).equals(sha)).toBe(true);
    expect(hash).toBe(sha.toString("base64"));
    expect(dictionaryHash(dict)).toBe(hash);
    // A client may refuse windows over 8 MB: decoding within that limit must work.
    const params = { [constants.ZSTD_d_windowLogMax]: 23 };
    const out = zstdDecompressSync(dcz.subarray(40), { dictionary: dict, params });
    expect(out.toString("utf8")).toBe(CHILD);
    expect(() => zstdDecompressSync(dcz.subarray(40))).toThrow();
    // What the shared design buys: much less than brotli's best without it.
    const { br } = await encodePage(CHILD);
    expect(dcz.byteLength).toBeLessThan(br.byteLength / 2);
  });

  test("encodePage adds a dcz copy only when given a dictionary", async () => {
    const plain = await encodePage(CHILD);
    expect(plain.dcz).toBeUndefined();
    const withDict = await encodePage(CHILD, bytes(HOME));
    expect(withDict.dczDict).toBe(dictionaryHash(bytes(HOME)));
    expect(withDict.dcz?.byteLength).toBeGreaterThan(40);
  });
});

describe("made when a page is stored", () => {
  test("every page but / gets a copy against the homepage as it is now", async () => {
    const site = startSite({
      handler: (body) => {
        const key = keyOf(body);
        const kids = key === "/" ? [{ url: "/moths.html", prompt: "Moths, same design" }] : [];
        return pageReply(key === "/" ? HOME : CHILD, kids);
      },
    });
    try {
      await site.get("/");
      await site.get("/moths.html");
      await site.app.generator.drain();
      const home = site.store.getPage("/");
      expect(home?.dcz).toBeNull();
      expect(home?.dcz_dict).toBeNull();
      const child = site.store.getPage("/moths.html");
      expect(child?.dcz_dict).toBe(dictionaryHash(bytes(HOME)));
      const out = zstdDecompressSync((child?.dcz ?? new Uint8Array()).subarray(40), {
        dictionary: bytes(HOME),
      });
      expect(out.toString("utf8")).toBe(CHILD);
    } finally {
      await site.close();
    }
  });
});
