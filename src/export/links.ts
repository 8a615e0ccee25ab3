// One page's links, rewritten for its place in the export: a link to an exported page becomes a
// relative link to its file (its #fragment kept, its query dropped: a static file has only one
// answer); a link to a page the export lacks leads to the not-written page, marked so, and
// nofollow for crawlers; a resource (img, script, link…) the export lacks loses its URL instead
// of loading a page. Only URLs change: the markup around them stays byte for byte (lol-html,
// Bun's HTMLRewriter, rewrites attributes in place), so the page looks as the server sent it.

import { normalizeLinkUrl } from "../core/keys.ts";
import { hrefBetween, MISSING_FILE } from "./files.ts";

/** Why a link has no page in the export. */
export type MissingReason = "not-written" | "outside-export" | "unknown";

export interface LinkTargets {
  /** The file of an exported key. */
  fileOf(key: string): string | undefined;
  /** Why `key` (null: a same-site URL that is no valid page path) is not exported. */
  reasonOf(key: string | null): MissingReason;
}

export interface RewrittenPage {
  html: string;
  /** Each link to a missing page, once per occurrence. */
  missing: { key: string; reason: MissingReason }[];
}

// Elements a person follows (a missing target leads to the not-written page), and elements
// that load a resource (a missing target is removed: an HTML page is no image or script).
const FOLLOWED = [
  ["a", "href"],
  ["area", "href"],
  ["form", "action"],
  ["iframe", "src"],
  ["frame", "src"],
] as const;
const LOADED = [
  ["link", "href"],
  ["img", "src"],
  ["script", "src"],
  ["source", "src"],
  ["video", "src"],
  ["video", "poster"],
  ["audio", "src"],
  ["track", "src"],
  ["embed", "src"],
  ["input", "src"],
  ["object", "data"],
] as const;

const ORIGIN = "http://rabbithole.invalid";

export function rewriteLinks(
  html: string,
  page: { key: string; file: string },
  targets: LinkTargets,
): RewrittenPage {
  const missing: RewrittenPage["missing"] = [];
  const rewriter = new HTMLRewriter();
  const rewrite = (el: HTMLRewriterTypes.Element, attr: string, followed: boolean) => {
    const raw = el.getAttribute(attr);
    if (raw === null) return;
    const target = resolve(decodeEntities(raw), page.key);
    if (target === null) return;
    const file = target.key === null ? undefined : targets.fileOf(target.key);
    if (file !== undefined) {
      el.setAttribute(attr, hrefBetween(page.file, file) + target.hash);
      return;
    }
    const reason = targets.reasonOf(target.key);
    missing.push({ key: target.key ?? raw, reason });
    el.setAttribute(`data-rabbithole-${attr}`, raw);
    el.setAttribute("data-rabbithole-missing", reason);
    if (!followed) {
      el.removeAttribute(attr);
      return;
    }
    // One parameter, named by the reason: lol-html writes "&" in attributes as it is given.
    const query = new URLSearchParams({ [reason]: target.key ?? raw });
    el.setAttribute(attr, `${hrefBetween(page.file, MISSING_FILE)}?${query}`);
    if (el.tagName === "a" || el.tagName === "area") el.setAttribute("rel", "nofollow");
  };
  for (const [tag, attr] of FOLLOWED) {
    rewriter.on(`${tag}[${attr}]`, { element: (el) => rewrite(el, attr, true) });
  }
  for (const [tag, attr] of LOADED) {
    rewriter.on(`${tag}[${attr}]`, { element: (el) => rewrite(el, attr, false) });
  }
  // Relative links are written from each page's own file: a <base> would send them elsewhere.
  rewriter.on("base[href]", { element: (el) => void el.removeAttribute("href") });
  return { html: rewriter.transform(html), missing };
}

/**
 * The page a same-site URL written on the page at `base` names (key null: not a valid page
 * path, or a server route under /__), with its fragment; null for a URL that leaves the site,
 * a bare fragment, or a scheme like mailto: or javascript:.
 */
function resolve(href: string, base: string): { key: string | null; hash: string } | null {
  const trimmed = href.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return null;
  let url: URL;
  try {
    url = new URL(trimmed, ORIGIN + base);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  // Null for a server route (/__…) or a path no page can have: a page on neither server.
  const key = normalizeLinkUrl(trimmed, base);
  return { key, hash: key === null ? "" : url.hash };
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** lol-html hands attributes over as written; links need their entities decoded. */
export function decodeEntities(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED[ref.toLowerCase()] ?? whole;
    const code =
      ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
