// Compression Dictionary Transport (RFC 9842) as the server speaks it: the homepage offers
// itself as the dictionary of every same-origin page; a later request that holds it and
// accepts `dcz` names it by hash, and gets the page's copy compressed against it.

import { accepts } from "../http/page-cache/page-cache.ts";

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
