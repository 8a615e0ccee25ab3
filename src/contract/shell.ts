// The shared shell of a hole: the homepage's head (its styles), its header with the site's
// navigation, and its footer. A later page is assembled by the server around the model's
// content, so navigation, palette and footer are the same bytes on every page by construction.

export interface Shell {
  /** `<!DOCTYPE html>` up to the head's content (doctype, <html …>, <head …>). */
  open: string;
  /** The homepage's head without its title and description: charset, viewport, styles. */
  head: string;
  /** The <body …> tag. */
  body: string;
  /** The site header (or the first <nav> when there is none), as the homepage has it. */
  header: string;
  footer: string;
}

/** A page's own part: its title, its optional style, its main content. */
export interface PageContent {
  title: string;
  /** Style elements of the page alone; `styleFirst` puts them before the shell's (see below). */
  style: string;
  main: string;
  /** A whole-document answer's styles go first, so that the shell's own look wins. */
  styleFirst?: boolean;
}

/** The shell of a homepage, or null when it is not a whole document with a head and body. */
export function extractShell(home: string): Shell | null {
  const headOpen = /<head\b[^>]*>/i.exec(home);
  const headClose = home.search(/<\/head\s*>/i);
  const bodyOpen = /<body\b[^>]*>/i.exec(home);
  if (!headOpen || headClose < headOpen.index || !bodyOpen || bodyOpen.index < headClose)
    return null;
  const start = home.search(/<!doctype|<html/i);
  const open = `${home.slice(Math.max(0, start), headOpen.index + headOpen[0].length)}`;
  const head = home
    .slice(headOpen.index + headOpen[0].length, headClose)
    .replace(/\s*<title\b[^>]*>[\s\S]*?<\/title\s*>/i, "")
    .replace(/\s*<meta\s+name=["']?description["']?[^>]*>/i, "")
    .trim();
  const inner = home.slice(bodyOpen.index + bodyOpen[0].length);
  const header = firstElement(inner, "header") ?? firstElement(inner, "nav") ?? "";
  const footer = lastTopLevel(inner, "footer") ?? "";
  // The homepage marks itself current in its menu: no other page is the homepage.
  const unmark = (s: string) => s.replace(/\s+aria-current=(["'])page\1/gi, "");
  return { open, head, body: bodyOpen[0], header: unmark(header), footer };
}

/** The part of a page every visitor gets before the model has written anything. */
export function shellPrefix(shell: Shell, title: string): string {
  return (
    `${shell.open}\n<title>${Bun.escapeHTML(title)}</title>\n${shell.head}\n</head>\n` +
    `${shell.body}\n${shell.header}\n`
  );
}

/** What closes the page after its content. */
export function shellSuffix(shell: Shell): string {
  return `\n${shell.footer}\n</body>\n</html>\n`;
}

/** The stored page: the shell around the content, the page's own style in its head. */
export function assemblePage(shell: Shell, c: PageContent): string {
  const style = c.style.trim();
  const head = !style
    ? shell.head
    : c.styleFirst
      ? `${style}\n${shell.head}`
      : `${shell.head}\n${style}`;
  return (
    `${shell.open}\n<title>${Bun.escapeHTML(c.title)}</title>\n${head}\n</head>\n` +
    `${shell.body}\n${shell.header}\n${c.main.trim()}${shellSuffix(shell)}`
  );
}

/**
 * The content of a whole document, for a model that answered one where only content was asked:
 * its <main> (or its body without its header and footer), its styles, its title.
 */
export function contentOfDocument(doc: string, fallbackTitle: string): PageContent {
  const title = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(doc)?.[1]?.trim() || fallbackTitle;
  const headEnd = doc.search(/<\/head\s*>/i);
  const styles = (
    doc.slice(0, Math.max(0, headEnd)).match(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi) ?? []
  ).join("\n");
  const main = firstElement(doc, "main");
  if (main) return { title: decodeTitle(title), style: styles, main, styleFirst: true };
  const bodyOpen = /<body\b[^>]*>/i.exec(doc);
  let body = bodyOpen ? doc.slice(bodyOpen.index + bodyOpen[0].length) : doc;
  body = body.replace(/<\/body\s*>[\s\S]*$/i, "").replace(/<\/html\s*>[\s\S]*$/i, "");
  const header = firstElement(body, "header");
  if (header) body = body.replace(header, "");
  const footer = lastTopLevel(body, "footer");
  if (footer)
    body =
      body.slice(0, body.lastIndexOf(footer)) +
      body.slice(body.lastIndexOf(footer) + footer.length);
  return {
    title: decodeTitle(title),
    style: styles,
    main: `<main>\n${body.trim()}\n</main>`,
    styleFirst: true,
  };
}

function decodeTitle(t: string): string {
  return t
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** The first `<name …>…</name>` element, nested ones of the same name counted. */
export function firstElement(html: string, name: string): string | null {
  const open = new RegExp(`<${name}\\b`, "i").exec(html);
  if (!open) return null;
  const end = elementEnd(html, name, open.index);
  return end === -1 ? null : html.slice(open.index, end);
}

/** The last top-level `<name>` element (the site footer, not an article's). */
function lastTopLevel(html: string, name: string): string | null {
  let found: string | null = null;
  const open = new RegExp(`<${name}\\b`, "gi");
  let from = 0;
  for (;;) {
    open.lastIndex = from;
    const m = open.exec(html);
    if (!m) return found;
    const end = elementEnd(html, name, m.index);
    if (end === -1) return found;
    found = html.slice(m.index, end);
    from = end;
  }
}

/** Index just past the end tag matching the `<name` at `start`, or -1. */
function elementEnd(html: string, name: string, start: number): number {
  const tag = new RegExp(`<(/?)${name}\\b[^>]*>`, "gi");
  tag.lastIndex = start;
  let depth = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  return -1;
}
