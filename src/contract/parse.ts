// The tolerant parser for what the model writes: an HTML document, the delimiter, a JSON array
// of child links. Models wrap output in chatter and fences and sometimes botch the JSON; a good
// page must survive that, while a page cut short must never pass as whole.

import { isSystemKey, normalizeKey, normalizeLinkUrl } from "../core/keys.ts";
import type { ParsedOutput } from "../core/types.ts";

export const MAPPINGS_DELIMITER = "---MAPPINGS---";

const HTML_END = "</html>";

export interface ParseOptions {
  /** False at the depth limit: whatever links the model offered are dropped. */
  allowMappings: boolean;
  /** The key of the page being parsed: relative links resolve against it, self-links drop. */
  base: string;
}

export function parseOutput(text: string, opts: ParseOptions): ParsedOutput {
  const start = documentStart(text);
  if (start === -1) return { html: null, mappings: [] };
  const lower = text.toLowerCase();
  // The delimiter counts only after the document's end tag: a page about this very format may
  // mention it in its text, and then the real block comes later.
  const firstEnd = lower.indexOf(HTML_END, start);
  const delim = text.indexOf(MAPPINGS_DELIMITER, firstEnd === -1 ? start : firstEnd);
  const htmlPart = delim === -1 ? text.slice(start) : text.slice(start, delim);
  const end = htmlPart.toLowerCase().lastIndexOf(HTML_END);
  // Whatever follows the end tag (a closing fence, "Here are the links:") is not the page.
  const html = end === -1 ? null : htmlPart.slice(0, end + HTML_END.length).trim();
  const mappings =
    opts.allowMappings && delim !== -1
      ? readMappings(text.slice(delim + MAPPINGS_DELIMITER.length), opts.base)
      : [];
  return { html: html !== null && isCompleteDocument(html) ? html : null, mappings };
}

/** True when `html` is a whole document: it opens with a doctype or <html> and ends </html>. */
export function isCompleteDocument(html: string): boolean {
  const t = html.trim();
  return documentStart(t) === 0 && t.toLowerCase().endsWith(HTML_END);
}

const DOCTYPE = /<!doctype[\s>]/i;
// A root tag that starts the page: one opening a line (after blanks or a Markdown fence), or
// one with attributes. A sentence mentions the bare tag ("Here is your <html> page:").
const ROOT = /^[ \t]*(?:```[a-z]*[ \t]*)?<html[\s>]|<html\s/im;

/**
 * Where the document starts: the doctype is preferred (a preamble may mention "<html>" in
 * passing, rarely a doctype), then a root tag as above, then, as a last resort, any `<html`.
 */
function documentStart(text: string): number {
  const doctype = text.search(DOCTYPE);
  if (doctype !== -1) return doctype;
  const root = rootStart(text);
  return root !== -1 ? root : text.search(/<html[\s>]/i);
}

/**
 * The same start, decided on a prefix of a stream: the first doctype or root tag. Never the
 * last resort, which only the whole text can justify: such a page is served once stored.
 */
export function streamStart(text: string): number {
  const doctype = text.search(DOCTYPE);
  const root = rootStart(text);
  if (doctype === -1 || root === -1) return doctype === -1 ? root : doctype;
  return Math.min(doctype, root);
}

// A site-memory content answer's first element (the page's own part: no doctype) on a line of
// its own, or one with attributes.
const CONTENT_START =
  /^[ \t]*(?:```[a-z]*[ \t]*)?<(!doctype|html|title|style|main|article|section|div|h1|header)[\s>]|<(main|article|section|div)\s/im;

/**
 * Where a site-memory content answer starts, and whether what starts there is a whole document
 * (a doctype or <html>) after all. memory-answer.ts and memory-filter.ts read content from here.
 */
export function contentStart(text: string): { index: number; document: boolean } | null {
  const m = CONTENT_START.exec(text);
  if (!m) return null;
  const name = (m[1] ?? m[2] ?? "").toLowerCase();
  return { index: m.index + m[0].indexOf("<"), document: name === "!doctype" || name === "html" };
}

/** Where page text starts on a stream prefix, whichever the layout: a document or content. */
export function pageStart(text: string): number {
  const doc = streamStart(text);
  const content = contentStart(text)?.index ?? -1;
  if (doc === -1 || content === -1) return doc === -1 ? content : doc;
  return Math.min(doc, content);
}

function rootStart(text: string): number {
  const m = ROOT.exec(text);
  return m ? m.index + m[0].search(/<html/i) : -1;
}

export function readMappings(block: string, base: string): ParsedOutput["mappings"] {
  const own = ownKey(base);
  const seen = new Set<string>();
  const out: ParsedOutput["mappings"] = [];
  for (const entry of extractEntries(block)) {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) continue;
    const { url, prompt, title } = entry as Record<string, unknown>;
    if (typeof url !== "string" || typeof prompt !== "string" || prompt.trim() === "") continue;
    const key = normalizeLinkUrl(url, own);
    if (key === null || key === "/" || key === own || isSystemKey(key) || seen.has(key)) continue;
    seen.add(key);
    // A title (the link's words) is asked for under site memory only.
    const named = typeof title === "string" && title.trim() !== "";
    out.push({
      url: key,
      prompt: prompt.trim(),
      ...(named ? { title: title.trim().slice(0, 200) } : {}),
    });
  }
  return out;
}

function ownKey(base: string): string {
  try {
    return normalizeKey(base);
  } catch {
    return base;
  }
}

/**
 * The array's elements. The whole array is tried first; when it does not parse (a trailing
 * comma, a truncated tail, a stray comment) each complete {...} object is salvaged on its own.
 */
function extractEntries(block: string): unknown[] {
  const open = block.indexOf("[");
  if (open !== -1) {
    const close = valueEnd(block, open);
    if (close !== -1) {
      const whole = tryJson(block.slice(open, close));
      if (Array.isArray(whole)) return whole;
    }
  }
  const entries: unknown[] = [];
  let i = block.indexOf("{", open === -1 ? 0 : open);
  while (i !== -1) {
    const close = valueEnd(block, i);
    if (close === -1) break;
    const value = tryJson(block.slice(i, close));
    if (value !== undefined) entries.push(value);
    i = block.indexOf("{", close);
  }
  return entries;
}

/** The index just past the bracketed JSON value starting at `from`, or -1 if it never closes. */
function valueEnd(text: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
