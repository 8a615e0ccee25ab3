// Only a person's navigation starts a paid generation. Browsers say why they ask (Fetch
// Metadata): a third-party page with `<img src="…/unwritten.html">`, a `no-cors` fetch or a
// prefetch made one visitor's browser start four paid generations that nobody read (issue 12).
// A new page is written for a top-level navigation (`Sec-Fetch-Mode: navigate` to a document),
// or for a client that sends no fetch metadata at all (curl, scripts, browsers older than 2023)
// unless its Accept header asks for an image, a style sheet or a script (older browsers).
// Anything else may read cached pages and join a page already being written, which costs
// nothing, but never starts one. A cross-site top-level navigation (a link on another site)
// still writes the page: it is how people arrive, and a page can send its visitor away like
// that only once per visit, since the visitor then is here.

import { htmlResponse } from "../respond/respond.ts";
import { errorPage } from "../views/status-pages.ts";

export function isNavigation(headers: Headers): boolean {
  // Chromium's prefetch and prerender (Sec-Purpose), Firefox's and older ones' link prefetch.
  if (headers.has("sec-purpose")) return false;
  const purpose = headers.get("purpose") ?? headers.get("x-moz") ?? headers.get("x-purpose");
  if (purpose && /prefetch|preview|prerender/i.test(purpose)) return false;
  const mode = headers.get("sec-fetch-mode");
  if (mode !== null) {
    // A frame is a navigation too, but of a page some other site chose to embed.
    const dest = headers.get("sec-fetch-dest");
    return mode === "navigate" && (dest === null || dest === "document");
  }
  // Without metadata, an old browser's image or script request still names what it wants.
  const accept = headers.get("accept") ?? "";
  return !/^\s*(image|video|audio|font)\/|^\s*text\/css|javascript/i.test(accept);
}

/** What a request that may not start a page gets: nothing is started, a visit still works. */
export function notNavigationResponse(): Response {
  const page = errorPage(
    503,
    "Not written yet",
    "This page has not been written yet. It is written when someone opens it in their browser; " +
      "requests for images, scripts, prefetches or embeds never start it.",
  );
  return htmlResponse(page, 503, { "retry-after": "60" });
}
