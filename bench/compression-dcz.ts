// dcz (RFC 9842) on a realistic site: a second page of the same atlas, compressed against the
// fixture page serving as the homepage, fetched as Chrome fetches it once it holds `/`.

import { join } from "node:path";
import { zstdDecompressSync } from "node:zlib";
import { dictionaryHash } from "../src/encoding/dcz.ts";
import { encodePage } from "../src/encoding/encode.ts";
import { removeDir, startRabbithole, stop, tempDir } from "./children.ts";
import { buildDb, pageKey } from "./db.ts";
import type { Row } from "./report.ts";
import { median } from "./report.ts";

/** Same design as generated-page.html, another topic: what the model writes for a sibling. */
export const SIBLING = join(import.meta.dir, "fixtures", "generated-sibling.html");
// What Chrome sends once it holds a dictionary for the URL.
const CHROME_WITH_DICT = "gzip, deflate, br, zstd, dcb, dcz";

async function fetchRaw(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers, decompress: false } as RequestInit);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, bytes, encoding: res.headers.get("content-encoding"), res };
}

export async function dczRows(homeHtml: string): Promise<Row[]> {
  const sibling = await Bun.file(SIBLING).text();
  const dir = tempDir("compression-dcz");
  const db = join(dir, "bench.db");
  await buildDb(db, { count: 1, html: () => sibling, home: homeHtml });
  const rh = await startRabbithole(db);
  try {
    const url = `${rh.url}${pageKey(0)}`;
    const home = Buffer.from(homeHtml);
    const dict = { "available-dictionary": `:${dictionaryHash(home)}:` };
    const plain = await fetchRaw(url, { "accept-encoding": "identity" });
    const br = await fetchRaw(url, { "accept-encoding": CHROME_WITH_DICT });
    const dcz = await fetchRaw(url, { "accept-encoding": CHROME_WITH_DICT, ...dict });
    if (dcz.encoding !== "dcz" || br.encoding !== "br") {
      throw new Error(`expected dcz and br, got ${dcz.encoding} and ${br.encoding}`);
    }
    const decoded = zstdDecompressSync(dcz.bytes.subarray(40), { dictionary: home });
    if (decoded.toString("utf8") !== sibling) throw new Error("dcz body does not decode");
    const n = plain.bytes.length;
    const etag = dcz.res.headers.get("etag") ?? "";
    const again = await fetchRaw(url, {
      "accept-encoding": CHROME_WITH_DICT,
      ...dict,
      "if-none-match": etag,
    });
    return [
      {
        measure: `second page of the site, dcz against the homepage: bytes on the wire (body; identity ${n} B)`,
        value: `${dcz.bytes.length} B`,
        baseline: `br: ${br.bytes.length} B (${(n / br.bytes.length).toFixed(2)}×)`,
        ratio: `${(n / dcz.bytes.length).toFixed(2)}× smaller`,
        target: "≥ 4× smaller",
        met: n / dcz.bytes.length >= 4,
      },
      {
        measure: "dcz: If-None-Match with the ETag",
        value: `${again.status}, ${again.bytes.length} B body`,
        target: "304, empty body",
        met: again.status === 304 && again.bytes.length === 0,
      },
      { measure: "dcz: Vary header", value: dcz.res.headers.get("vary") ?? "none" },
      await storeCost(sibling, home),
    ];
  } finally {
    await stop(rh.proc);
    removeDir(dir);
  }
}

/** What storing a page costs now: gzip -9, brotli 11 and zstd 19 against the homepage. */
async function storeCost(html: string, home: Uint8Array): Promise<Row> {
  const times: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < 7; i++) {
    let t = performance.now();
    await encodePage(html, home);
    times.push(performance.now() - t);
    t = performance.now();
    await encodePage(html);
    without.push(performance.now() - t);
  }
  return {
    measure:
      "second page: compressing once when stored (gzip 9 + brotli 11 + dcz at zstd 19, thread pool)",
    value: `${median(times).toFixed(1)} ms`,
    baseline: `${median(without).toFixed(1)} ms without dcz; a generation takes 20–60 s`,
  };
}
