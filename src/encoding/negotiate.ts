// Which stored encoding a request gets: the best one it accepts, and, for Compression Dictionary
// Transport (RFC 9842) as the server speaks it: the homepage offers
// itself as the dictionary of every same-origin page; a later request that holds it and
// accepts `dcz` names it by hash, and gets the page's copy compressed against it.

import type { Encoding } from "../core/types.ts";

/**
 * On the homepage's responses. `match-dest` keeps the dictionary to navigations: scripts and
 * styles are inline in generated pages, and a fetch() of a page needs no smaller copy.
 */
export const USE_AS_DICTIONARY = 'match="/*", match-dest=("document")';

/**
 * The homepage's caching, where it offers itself as a dictionary. A browser uses a dictionary
 * only while its response is fresh, or within stale-while-revalidate (RFC 9842 §2.2.1):
 * `no-cache` alone would make it unusable. max-age=0 still revalidates every navigation (browsers
 * do not revalidate navigations in the background), so a purged homepage shows at once.
 */
export const DICTIONARY_CACHE_CONTROL = "max-age=0, stale-while-revalidate=2592000";

/**
 * The base64 SHA-256 the client offers as its dictionary, when it also accepts dcz; otherwise
 * null, and the answer cannot depend on a dictionary. The header is a structured-field byte
 * sequence, `:<base64>:`.
 */
export function offeredDictionary(
  acceptEncoding: string | null,
  availableDictionary: string | null,
): string | null {
  if (!availableDictionary || !acceptEncoding?.includes("dcz")) return null;
  if (!accepts(acceptEncoding, "dcz")) return null;
  const value = availableDictionary.trim();
  if (value.length < 3 || !value.startsWith(":") || !value.endsWith(":")) return null;
  return value.slice(1, -1);
}

/** The best encoding the client accepts: br, then gzip, else identity. */
export function bestEncoding(acceptEncoding: string | null): Encoding {
  if (acceptEncoding) {
    if (acceptEncoding.includes("br") && accepts(acceptEncoding, "br")) return "br";
    if (acceptEncoding.includes("gzip") && accepts(acceptEncoding, "gzip")) return "gzip";
  }
  return "identity";
}

/** Accept-Encoding lists with q-values are rare; only they need parsing (q=0 means "not"). */
export function accepts(header: string, coding: string): boolean {
  if (!header.includes("q=")) return true;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().split(";");
    if (name.trim().toLowerCase() !== coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
