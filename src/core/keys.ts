// Page keys. Every spelling of a URL a browser or the model can produce must map to exactly one
// key, or the cache splits a page in two and the model pays twice.
//
// Canonical form: "/" followed by segments joined with "/"; each segment is fully
// percent-decoded as UTF-8 and re-encoded so that only RFC 3986 pchar characters stay literal
// (A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , ; = : @) and every other byte is written as %XX with
// uppercase hex. So "/caf%c3%a9", "/café" and "/caf%C3%A9" are all "/caf%C3%A9", and "%41" is
// "A". Reserved characters are decoded too: a path segment means nothing to this server beyond
// its text, so "+" and "%2B" are the same page. Empty segments ("//") are dropped, "." and ".."
// resolve (never above the root), a final "index.html" becomes a trailing slash ("/index.html"
// is "/", "/docs/index.html" is "/docs/"), and a trailing slash is otherwise significant
// ("/docs" and "/docs/" are different pages, as they are to a browser resolving relative links).
// An encoded slash stays encoded: it is data inside a segment, never a separator.

import { HttpError } from "./errors.ts";

export const MAX_KEY_BYTES = 1024;

// A never-resolvable origin (RFC 6761) to resolve links against exactly as a browser would.
const LINK_ORIGIN = "http://rabbithole.invalid";
const PCHAR = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
// Already canonical: ASCII pchar segments, none empty and none starting with a dot (which rules
// out "." and ".."), an optional trailing slash. Such a path is its own key.
const CANONICAL = /^(?=\/)(?:\/[A-Za-z0-9\-_~!$&'()*+,;=:@][A-Za-z0-9\-._~!$&'()*+,;=:@]*)*\/?$/;
const HEX = "0123456789ABCDEF";
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The canonical key of a request path (the raw pathname as the client sent it). Throws
 * HttpError 414 when the path or its key is longer than MAX_KEY_BYTES, 400 when it is not a
 * valid path.
 */
export function normalizeKey(pathname: string): string {
  // The hot path: most requests already name a canonical key (a link the model wrote).
  if (pathname.length <= MAX_KEY_BYTES && CANONICAL.test(pathname)) {
    if (!pathname.endsWith("/index.html")) return pathname;
  }
  const path = stripQueryAndFragment(pathname);
  // Bytes >= UTF-16 units, so the cheap test first bounds the work done on hostile input.
  if (path.length > MAX_KEY_BYTES || utf8.encode(path).length > MAX_KEY_BYTES) throw tooLong();
  // RFC 3986 6.2.3: an empty http path is "/".
  if (path === "") return "/";
  if (!path.startsWith("/") && !path.startsWith("\\")) {
    throw new HttpError(400, "Path must start with /");
  }
  if (!path.isWellFormed()) throw new HttpError(400, "Path is not valid Unicode");
  const out: string[] = [];
  // Browsers treat "\" as "/" in http(s) paths; splitting on both keeps keys equal to what
  // they request.
  const raw = path.split(/[/\\]/).slice(1);
  let trailingSlash = false;
  for (const part of raw) {
    const segment = decodeSegment(part);
    trailingSlash = segment === "" || segment === "." || segment === "..";
    if (segment === "..") out.pop();
    else if (segment !== "" && segment !== ".") out.push(segment);
  }
  if (out.at(-1) === "index.html") {
    out.pop();
    trailingSlash = true;
  }
  const body = out.map(encodeSegment).join("/");
  const key = body === "" ? "/" : `/${body}${trailingSlash ? "/" : ""}`;
  // Decoding can shrink a path and encoding can grow it: bound the stored key as well, so
  // every spelling of one key gets the same answer.
  if (key.length > MAX_KEY_BYTES) throw tooLong();
  return key;
}

/**
 * The key a link written on the page at `base` leads to, or null when it leaves the site, is
 * not a valid path, or names a system route. Relative links need a base.
 */
export function normalizeLinkUrl(url: string, base?: string): string | null {
  // Browsers drop tabs and newlines anywhere in a URL and trim spaces and controls around it.
  const href = url.replace(/[\t\n\r]/g, "").replace(/^[\p{Cc} ]+|[\p{Cc} ]+$/gu, "");
  if (href === "" || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(href)) return null;
  if (base === undefined && !/^[/\\]/.test(href)) return null;
  let resolved: URL;
  try {
    resolved = new URL(href, LINK_ORIGIN + (base?.startsWith("/") ? base : "/"));
  } catch {
    return null;
  }
  // Catches "//host/x" and "\\host\x", which browsers read as links to another site.
  if (resolved.origin !== LINK_ORIGIN) return null;
  let key: string;
  try {
    key = normalizeKey(resolved.pathname);
  } catch {
    return null;
  }
  return isSystemKey(key) ? null : key;
}

/** Keys under /__ are the server's own routes, never pages. */
export function isSystemKey(key: string): boolean {
  return key.startsWith("/__");
}

function tooLong(): HttpError {
  return new HttpError(414, `Path longer than ${MAX_KEY_BYTES} bytes`);
}

function stripQueryAndFragment(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

function decodeSegment(part: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < part.length; i++) {
    const ch = part[i] as string;
    if (ch === "%") {
      const hex = part.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new HttpError(400, "Invalid percent-encoding");
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      const cp = part.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      for (const b of utf8.encode(String.fromCodePoint(cp))) bytes.push(b);
    }
  }
  let text: string;
  try {
    text = strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    throw new HttpError(400, "Path is not valid UTF-8");
  }
  // C0, DEL and C1 controls have no business in a page name and confuse logs and terminals.
  if (/\p{Cc}/u.test(text)) throw new HttpError(400, "Control character in path");
  // A segment that hides "." or ".." behind an encoded separator is a traversal probe: keeping
  // it would create a key that means one thing here and another to anything that decodes it.
  if (/[/\\]/.test(text) && text.split(/[/\\]/).some((p) => p === "." || p === "..")) {
    throw new HttpError(400, "Encoded separator around a dot-segment");
  }
  return text;
}

function encodeSegment(segment: string): string {
  let out = "";
  for (const ch of segment) {
    if (PCHAR.test(ch)) {
      out += ch;
      continue;
    }
    for (const b of utf8.encode(ch)) out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}
