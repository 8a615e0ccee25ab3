// robots.txt. The pages a crawler must stay off are the ones not written yet, and those cannot
// be listed: a page shows its links while it streams, before their mappings exist, and new
// links appear with every generation. So under the default `cached` policy the file turns the
// question around: it disallows everything and allows, one exact path each, the pages already
// written. A polite crawler then reads the whole written site and never asks for an unwritten
// page; the bot policy still refuses it to an impolite one, so robots.txt saves requests and
// crawl budget, never money.
//
// Why not `Disallow: /` alone: the written pages could never be indexed. Why not allow all and
// lean on the 503s: a crawler that meets thousands of 503s slows down for the whole host, and
// keeps coming back to the same unwritten addresses.
//
// The allow-list relies on RFC 9309 (longest match wins, `$` anchors the end), which Google,
// Bing, Yandex and Applebot implement. A crawler that only knows `Disallow` sees `Disallow: /`
// and reads nothing: a safe way to be wrong. The Allow lines come first anyway, for parsers
// that take the first matching rule. Crawlers cache robots.txt for up to a day, so a page
// written since is crawlable from their next fetch.

import type { BotPolicy } from "../../config/bot-policy.ts";

/**
 * RFC 9309 makes crawlers read at least 500 KiB; stay below, so no crawler truncates in the
 * middle of the list (keys not listed stay disallowed: the safe side).
 */
export const ROBOTS_MAX_BYTES = 450_000;

// Bing and Yandex honour it (Google ignores it): a crawl at one page per ten seconds is plenty
// for a site that grows one page at a time.
const CRAWL_DELAY_SEC = 10;

export interface RobotsOptions {
  /** The operator's own file (`--robots-txt`), served as it is. */
  custom: string | null;
  /** Default `cached`. */
  policy?: BotPolicy;
  /**
   * Keys of the pages already written, most important first (shallowest, say): under `cached`
   * only these are allowed, and the list is cut at ROBOTS_MAX_BYTES.
   */
  pages?: Iterable<string>;
}

export function robotsTxt(opts: RobotsOptions): string {
  if (opts.custom !== null) return opts.custom.endsWith("\n") ? opts.custom : `${opts.custom}\n`;
  const policy = opts.policy ?? "cached";
  const head = [
    "# This site is written by a language model, one page at a time, the first time a person",
    "# opens it; every page written is kept. Automated visitors may read the written pages and",
    "# are never served one that would have to be written for them.",
    "User-agent: *",
  ];
  if (policy === "deny") return lines([...head, "Disallow: /"]);
  // The server's own routes (/__ready, /__health…) are never pages.
  if (policy === "allow")
    return lines([...head, `Crawl-delay: ${CRAWL_DELAY_SEC}`, "Disallow: /__"]);
  const out = [...head, `Crawl-delay: ${CRAWL_DELAY_SEC}`];
  let bytes = out.join("\n").length + 64;
  let left = 0;
  for (const key of opts.pages ?? []) {
    const rule = allowRule(key);
    if (rule === null) continue;
    if (bytes + rule.length + 1 > ROBOTS_MAX_BYTES) {
      left++;
      continue;
    }
    out.push(rule);
    bytes += rule.length + 1;
  }
  if (left > 0) out.push(`# ${left} more written pages are not listed (size limit).`);
  out.push("Disallow: /");
  return lines(out);
}

/**
 * The exact-match Allow line of one page key, or null when the key cannot be written as one:
 * `*` and `$` are wildcards in robots.txt and have no escape a crawler must honour, and a
 * control character would break the line. Such pages simply stay disallowed.
 */
function allowRule(key: string): string | null {
  if (!key.startsWith("/") || /[*$\s\p{Cc}]/u.test(key)) return null;
  return `Allow: ${key}$`;
}

function lines(ls: string[]): string {
  return `${ls.join("\n")}\n`;
}

/** robots.txt as served: plain text, briefly cacheable (crawlers keep their own copy anyway). */
export function robotsResponse(text: string | Blob): Response {
  return new Response(text, {
    status: 200,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "max-age=300" },
  });
}
