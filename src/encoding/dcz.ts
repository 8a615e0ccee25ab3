// Dictionary-compressed zstd (`dcz`, RFC 9842 §5.2): a page compressed against the site's
// homepage, which the browser already holds. Pages of one site share their CSS, header, nav and
// footer, which brotli alone must send again each time; against the homepage they cost a few
// hundred bytes. Done once, when the page is stored, on libuv's thread pool like br and gzip.

import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { constants, zstdCompress } from "node:zlib";

const zstd = promisify(zstdCompress);

/** The fixed start of every dcz body: a zstd skippable frame (magic 0x184D2A5E, 32 bytes). */
const DCZ_MAGIC = new Uint8Array([0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00]);
/** The magic, then the SHA-256 of the dictionary: what comes before the zstd frame. */
export const DCZ_HEADER_BYTES = DCZ_MAGIC.byteLength + 32;
/**
 * RFC 9842 lets a client refuse windows over max(8 MB, 1.25 × the dictionary); Chromium
 * allows max(8 MB, the dictionary). 8 MiB fits both whatever the dictionary's size.
 */
const DCZ_WINDOW_LOG = 23;

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest();

/** The dictionary's SHA-256 in base64: as `Available-Dictionary` carries it between colons. */
export function dictionaryHash(dictionary: Uint8Array): string {
  return sha256(dictionary).toString("base64");
}

export interface DczPage {
  dcz: Uint8Array;
  /** The base64 SHA-256 of the dictionary it was compressed against. */
  dict: string;
}

/** `page` as a dcz body against `dictionary` (raw content, the identity bytes of the page). */
export async function encodeDcz(page: Uint8Array, dictionary: Uint8Array): Promise<DczPage> {
  const hash = sha256(dictionary);
  const frame = await zstd(page, {
    dictionary,
    params: {
      [constants.ZSTD_c_compressionLevel]: 19,
      [constants.ZSTD_c_windowLog]: DCZ_WINDOW_LOG,
    },
  });
  const out = new Uint8Array(DCZ_HEADER_BYTES + frame.byteLength);
  out.set(DCZ_MAGIC, 0);
  out.set(hash, DCZ_MAGIC.byteLength);
  out.set(frame, DCZ_HEADER_BYTES);
  return { dcz: out, dict: hash.toString("base64") };
}
