// The hot read's statements, one per encoding a client may want, so that a cache miss reads
// the one column it sends and nothing else.
import type { Database, Statement } from "bun:sqlite";
import type { Encoding, PageBody } from "../core/types.ts";

// html is TEXT: CAST returns its UTF-8 bytes as they are stored. Pages stored before compression
// existed have no br or gzip: the next best comes back, named, in the same read. Every read
// also names the dictionary of the page's dcz copy, if any: its headers depend on it.
export function pageBodyQueries(db: Database): Record<Encoding, Statement<PageBody, [string]>> {
  const html = "CAST(html AS BLOB)";
  const q = (encoding: string, body: string) =>
    db.prepare<PageBody, [string]>(
      `SELECT etag, ${encoding} AS encoding, ${body} AS body, dcz_dict AS dict
       FROM pages WHERE key = ?`,
    );
  return {
    dcz: q(
      `CASE WHEN dcz IS NOT NULL THEN 'dcz' WHEN br IS NOT NULL THEN 'br'
         WHEN gzip IS NOT NULL THEN 'gzip' ELSE 'identity' END`,
      `coalesce(dcz, br, gzip, ${html})`,
    ),
    identity: q("'identity'", html),
    gzip: q("iif(gzip IS NULL, 'identity', 'gzip')", `coalesce(gzip, ${html})`),
    br: q(
      "CASE WHEN br IS NOT NULL THEN 'br' WHEN gzip IS NOT NULL THEN 'gzip' ELSE 'identity' END",
      `coalesce(br, gzip, ${html})`,
    ),
  };
}
