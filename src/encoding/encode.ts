// A page is compressed once, when it is stored, never per request: at the highest settings,
// since the cost is paid once and every visitor after saves bytes. Runs on libuv's thread pool
// (brotli at quality 11 takes tens of milliseconds), so live streams keep flowing meanwhile.

import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { encodeDcz } from "./dcz.ts";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export interface EncodedPage {
  gzip: Uint8Array;
  br: Uint8Array;
  /** Against the site's dictionary (its homepage), when there is one: see dcz.ts. */
  dcz?: Uint8Array | null;
  /** The base64 SHA-256 of the dictionary `dcz` needs. */
  dczDict?: string | null;
}

/** `dictionary`: the homepage's identity bytes, for a page other than the homepage. */
export async function encodePage(
  html: string,
  dictionary: Uint8Array | null = null,
): Promise<EncodedPage> {
  const bytes = Buffer.from(html);
  const [g, b, d] = await Promise.all([
    gz(bytes, { level: 9 }),
    brotli(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength,
      },
    }),
    dictionary ? encodeDcz(bytes, dictionary) : null,
  ]);
  const dcz = d ? { dcz: d.dcz, dczDict: d.dict } : {};
  return { gzip: new Uint8Array(g), br: new Uint8Array(b), ...dcz };
}
