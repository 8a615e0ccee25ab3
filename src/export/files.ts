// Where each page of an export lives on disk, and how one file links to another. Every page
// becomes a file whose name ends in .html, so that any static file server sends it as HTML and a
// browser opens it from disk; links name files, never directories, so they work from file://.
//
//   /             → index.html
//   /a/b.html     → a/b.html          (and .htm stays .htm)
//   /docs/        → docs/index.html
//   /docs         → docs.html         (a key without .html gets it: /notes.txt → notes.txt.html)
//
// Segments are percent-decoded (a server decodes the request path before it looks for the file:
// /caf%C3%A9.html is café.html), characters that some file systems refuse become "_", a leading
// dot becomes "_" (static servers hide dotfiles), and a folder whose name ends in .html gets a
// "_" so that it can never be the same name as a page's file. Two pages that still land on one
// name (case-insensitively: macOS and Windows disks are) are told apart by -2, -3… before the
// extension; pages whose names are their own keys (…/, ….html) choose first.

import { createHash } from "node:crypto";
import { posix } from "node:path";

/** The page that every link to a page not in the export leads to. */
export const MISSING_FILE = "not-written.html";
/** Files the export writes beside the pages, which no page may take. */
export const SITE_FILES = ["sitemap.xml", "robots.txt", "manifest.json"];

const UNSAFE = /[\\/:*?"<>|\p{Cc}]/gu;
const PAGE_EXTENSION = /\.html?$/i;
// Most file systems allow 255 bytes per name; the rest leaves room for "-2" and ".html".
const MAX_NAME_BYTES = 200;

/** Assigns every key its file (a relative path with "/" separators). */
export function assignFiles(keys: string[]): Map<string, string> {
  const taken = new Set([MISSING_FILE, ...SITE_FILES]);
  const natural = keys.map((key) => ({ key, ...naturalFile(key) }));
  natural.sort((a, b) => Number(b.own) - Number(a.own) || (a.key < b.key ? -1 : 1));
  const files = new Map<string, string>();
  for (const { key, path } of natural) {
    let file = path;
    for (let n = 2; taken.has(file.toLowerCase()); n++) {
      file = path.replace(PAGE_EXTENSION, (ext) => `-${n}${ext}`);
    }
    taken.add(file.toLowerCase());
    files.set(key, file);
  }
  return files;
}

/** The file a key would have alone; `own`: the name is the key's own (…/ or ….html). */
function naturalFile(key: string): { path: string; own: boolean } {
  const segments = key.split("/").slice(1).map(decode);
  const last = segments.pop() ?? "";
  const dirs = segments.map((s) => {
    const name = safeName(s);
    return PAGE_EXTENSION.test(name) ? `${name}_` : name;
  });
  if (last === "") return { path: [...dirs, "index.html"].join("/"), own: true };
  const own = PAGE_EXTENSION.test(last);
  const name = safeName(own ? last : `${last}.html`);
  return { path: [...dirs, name].join("/"), own };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // keys are canonical, so this does not happen; the raw text is still safe
  }
}

function safeName(segment: string): string {
  let name = segment.replace(UNSAFE, "_").replace(/^\./, "_").replace(/[. ]$/, "_");
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    const ext = PAGE_EXTENSION.exec(name)?.[0] ?? "";
    const hash = createHash("sha256").update(segment).digest("hex").slice(0, 8);
    let head = name.slice(0, name.length - ext.length);
    while (Buffer.byteLength(head) > MAX_NAME_BYTES - 20) head = [...head].slice(0, -1).join("");
    name = `${head}~${hash}${ext}`;
  }
  return name;
}

/** A relative link from the file `from` to the file `to`, percent-encoded. */
export function hrefBetween(from: string, to: string): string {
  const rel = posix.relative(posix.dirname(from), to);
  return rel.split("/").map(encodeSegment).join("/");
}

/** The URL path (from the export's root, no leading slash) a static server answers `file` at. */
export function urlPathOf(file: string): string {
  const path = file === "index.html" ? "" : file.replace(/(^|\/)index\.html$/, "$1");
  return path.split("/").map(encodeSegment).join("/");
}

function encodeSegment(segment: string): string {
  return segment === ".." ? segment : encodeURIComponent(segment);
}
