// Plain text out of a page's HTML, and the token arithmetic the context bound is kept in.

/** Elements whose content is not what the page says (styles, scripts, drawings, the shell). */
const NOT_TEXT =
  /<(style|script|svg|head|header|nav|footer|template|noscript)\b[\s\S]*?<\/\1\s*>/gi;
const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** What a page says, as one line of text: markup, the shell and the styles left out. */
export function plainText(html: string, maxChars = 20_000): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, " ")
      .replace(NOT_TEXT, " ")
      // Inline elements join their words to the sentence; any other tag separates words.
      .replace(
        /<\/?(?:a|em|strong|span|b|i|code|abbr|small|sup|sub|mark|q|cite|time)\b[^>]*>/gi,
        "",
      )
      .replace(/<[^>]*>/g, " "),
  )
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, maxChars);
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, name: string) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? all;
    const code =
      name[1] === "x" || name[1] === "X"
        ? Number.parseInt(name.slice(2), 16)
        : Number(name.slice(1));
    return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : all;
  });
}

/** The text of a document's first <title>, or null. */
export function titleOf(html: string): string | null {
  const m = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const title = m
    ? decodeEntities(m[1] ?? "")
        .replace(/\s+/g, " ")
        .trim()
    : "";
  return title === "" ? null : title.slice(0, 200);
}

/**
 * Tokens of `text`, estimated from above for a tokenizer we cannot see: 3 UTF-8 bytes a token.
 * English prose runs ~4 bytes a token on current tokenizers and HTML ~3; counting bytes rather
 * than characters keeps CJK text (3 bytes a character, ~1 token each) from being undercounted
 * 3.5×. Overcounting costs a little room; undercounting would overflow a --context-tokens window.
 * The one estimator: site context is sized and the window checked with the same count.
 */
export function tokensOf(text: string): number {
  return Math.ceil(Buffer.byteLength(text) / BYTES_PER_TOKEN);
}

const BYTES_PER_TOKEN = 3;
const utf8 = new TextEncoder();

/** `text` shortened to about `tokens` tokens, at a word boundary, with an ellipsis. */
export function clipTokens(text: string, tokens: number): string {
  const max = Math.floor(tokens * BYTES_PER_TOKEN);
  if (Buffer.byteLength(text) <= max) return text;
  // The longest prefix of whole characters within max - 3 bytes (the ellipsis is 3).
  const { read } = utf8.encodeInto(text, new Uint8Array(Math.max(0, max - 3)));
  const cut = text.slice(0, read);
  const space = cut.lastIndexOf(" ");
  return `${(space > read / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const STOP = new Set(
  (
    "about also been could does each from have here into like make more most much only other " +
    "over page site some such than that their them then there these they this those very what " +
    "when where which while will with would your write should html index with the and for"
  ).split(" "),
);

/** The words worth searching for in a title, a path or a brief. */
export function searchWords(text: string, max = 12): string[] {
  const words =
    decodeEntities(text)
      .toLowerCase()
      .match(/\p{L}[\p{L}\p{N}]{2,24}/gu) ?? [];
  return [...new Set(words.filter((w) => !STOP.has(w)))].slice(0, max);
}

/** An FTS5 query matching any of `words` (each quoted: no FTS syntax gets through). */
export function ftsQuery(words: string[]): string | null {
  const terms = words.map((w) => w.replace(/"/g, "")).filter(Boolean);
  return terms.length ? terms.map((w) => `"${w}"`).join(" OR ") : null;
}
