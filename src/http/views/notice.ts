import { html, trusted } from "./html.ts";

const NOTICE_STYLE =
  "position:fixed;inset:auto 1rem 1rem 1rem;z-index:2147483647;display:block;" +
  "visibility:visible;padding:1rem 1.25rem;border-radius:.75rem;background:#3b0d0d;color:#fff;" +
  "font:16px/1.5 system-ui,sans-serif;box-shadow:0 8px 30px rgba(0,0,0,.4)";

/**
 * Appended to a live page whose generation failed after its first bytes were sent: the status
 * line (200) is gone, so the visitor must see the failure in the page itself. Fixed-position
 * and self-styled so it shows whatever half-written markup precedes it; `sent` is that markup,
 * which may stop inside a `<style>`, a comment or a tag that would swallow the notice.
 */
export function streamFailureNotice(key: string, reason: string, sent = ""): string {
  // What closes the cut-off markup is markup, made by the scanner below from fixed strings.
  return html`${trusted(closeOpenContexts(sent))}
<div role="alert" style="${NOTICE_STYLE}"><strong>This page could not be finished.</strong> \
${reason} Nothing was saved: reload the page to try again. <a href="${key}" style="color:#ffd27a;font-weight:600">Retry</a></div>
`.text;
}

// Elements whose content is text up to their end tag: markup inside them would not render.
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "noscript"]);

/**
 * What to write after a cut-off `html` so that the next markup is parsed as markup: the end of
 * an open tag (and its attribute quote), comment, or raw-text element. A small scanner of the
 * HTML tokenizer's states, enough for what a model writes; run once, on failure.
 */
export function closeOpenContexts(html: string): string {
  let i = 0;
  const n = html.length;
  const lower = html.toLowerCase();
  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt === -1) return "";
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      if (end === -1) return "-->";
      i = end + 3;
      continue;
    }
    const next = html[lt + 1] ?? "";
    if (!/[a-zA-Z/!?]/.test(next)) {
      // A bare "<" (as in "a < b") is text, or the last character sent.
      if (next === "") return "";
      i = lt + 1;
      continue;
    }
    const name = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(html.slice(lt + 1, lt + 40))?.[0].toLowerCase();
    // The tag runs to the first ">" outside a quoted attribute value.
    let quote: string | null = null;
    let j = lt + 1;
    for (; j < n; j++) {
      const ch = html[j];
      if (quote) {
        if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") {
        if (/=\s*$/.test(html.slice(Math.max(lt, j - 8), j))) quote = ch;
      } else if (ch === ">") break;
    }
    const rawText = name !== undefined && RAW_TEXT.has(name) ? name : null;
    if (j >= n) return `${quote ?? ""}>${rawText ? `</${rawText}>` : ""}`;
    i = j + 1;
    if (rawText) {
      const close = lower.indexOf(`</${rawText}`, i);
      if (close === -1) return `</${rawText}>`;
      i = close;
    }
  }
  return "";
}
