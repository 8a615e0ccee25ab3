// What the model answers under site memory: the page (its content alone, or a whole document
// for the homepage and for a model that writes one anyway), the mappings, then optional canon
// and bible blocks. As tolerant as parse.ts: preamble and fences go, a broken block is empty,
// and a page cut short never passes as whole.

import { decodeEntities } from "../core/text.ts";
import type { ParsedOutput } from "../core/types.ts";
import type { CanonEntry } from "../store/memory.ts";
import { bibleCanon, canonLines } from "./bible.ts";
import { contentStart, parseOutput, readMappings } from "./parse.ts";
import { contentOfDocument, firstElement, type PageContent } from "./shell.ts";

export const CANON_DELIMITER = "---CANON---";
export const BIBLE_DELIMITER = "---BIBLE---";

/** A delimiter on a line of its own (a page's text may mention one in passing). */
const BLOCK = /^[ \t]*---(MAPPINGS|CANON|BIBLE)---[ \t]*$/gm;

export interface MemoryAnswer {
  /** The whole document (document layout), or null. */
  html: string | null;
  /** The page's content (content layout), or null when none is whole. */
  content: PageContent | null;
  mappings: ParsedOutput["mappings"];
  canon: CanonEntry[];
  bible: string | null;
}

export interface AnswerOptions {
  layout: "content" | "document";
  allowMappings: boolean;
  base: string;
  /** The title to use when a content answer gives none (the link's words). */
  title: string;
}

export function parseMemoryAnswer(text: string, o: AnswerOptions): MemoryAnswer {
  const blocks = splitBlocks(text, o.layout === "document");
  const bibleText = blocks.BIBLE === undefined ? null : unfence(blocks.BIBLE);
  const bible = bibleText ? bibleText : null;
  const canon = [...(bible ? bibleCanon(bible) : []), ...canonLines(blocks.CANON ?? "")];
  if (o.layout === "document") {
    const parsed = parseOutput(blocks.page, { allowMappings: o.allowMappings, base: o.base });
    return { html: parsed.html, content: null, mappings: parsed.mappings, canon, bible };
  }
  const mappings =
    o.allowMappings && blocks.MAPPINGS !== undefined ? readMappings(blocks.MAPPINGS, o.base) : [];
  return { html: null, content: readContent(blocks.page, o.title), mappings, canon, bible };
}

/** The page part and each block's text; the delimiters count after the document's end tag. */
function splitBlocks(text: string, document: boolean) {
  const from = document ? Math.max(0, text.toLowerCase().indexOf("</html>")) : 0;
  const found: { name: string; at: number; end: number }[] = [];
  BLOCK.lastIndex = from;
  for (let m = BLOCK.exec(text); m; m = BLOCK.exec(text)) {
    if (!found.some((f) => f.name === m?.[1]))
      found.push({ name: m[1] as string, at: m.index, end: m.index + m[0].length });
  }
  const out: { page: string; MAPPINGS?: string; CANON?: string; BIBLE?: string } = {
    page: text.slice(0, found[0]?.at ?? text.length),
  };
  found.forEach((f, i) => {
    out[f.name as "MAPPINGS"] = text.slice(f.end, found[i + 1]?.at ?? text.length);
  });
  // The document layout's parser finds its own mappings delimiter.
  if (document && out.MAPPINGS !== undefined) {
    const m = found.find((f) => f.name === "MAPPINGS") as { at: number };
    const next = found.find((f) => f.at > m.at)?.at ?? text.length;
    out.page = text.slice(0, next);
  }
  return out;
}

function unfence(block: string): string {
  return block.replace(/^\s*```[a-z]*\s*$/gim, "").trim();
}

/** A content answer's title, style and main; null when its main was cut short. */
function readContent(page: string, fallbackTitle: string): PageContent | null {
  const start = contentStart(page);
  if (!start || start.document) {
    // A whole document, wherever it starts ("Here: <html>…" too), found as parse.ts finds one.
    const doc = parseOutput(page, { allowMappings: false, base: "/" }).html;
    return doc ? contentOfDocument(doc, fallbackTitle) : null;
  }
  const text = page.slice(start.index);
  const titleEl = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(text);
  const title =
    decodeEntities(titleEl?.[1] ?? "")
      .replace(/\s+/g, " ")
      .trim() || fallbackTitle;
  let rest = titleEl ? text.replace(titleEl[0], "") : text;
  const mainAt = rest.search(/<main\b/i);
  const before = mainAt === -1 ? rest : rest.slice(0, mainAt);
  const style = (before.match(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi) ?? []).join("\n");
  if (mainAt !== -1) {
    const main = firstElement(rest, "main");
    return main ? { title, style, main } : null;
  }
  // No <main>: what is left, up to its last tag, is the content.
  rest = rest.replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, "");
  const last = rest.lastIndexOf(">");
  const body = last === -1 ? "" : rest.slice(0, last + 1).trim();
  return body ? { title, style, main: `<main>\n${body}\n</main>` } : null;
}
