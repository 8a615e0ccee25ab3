// The context of one page, bounded in tokens: the parent and what it said about the link, the
// breadcrumb, the canon entries that concern the page, the pages that exist (related first),
// and passages of earlier pages on its subject. Each part has a share of the budget; what one
// leaves unused goes to the parts after it, and nothing passes the whole bound.

import { clipTokens, plainText, searchWords, tokensOf } from "../core/text.ts";
import type { Mapping } from "../core/types.ts";
import type { Store } from "../store/store.ts";

/** Tokens of context per page when nothing bounds it tighter (--context-tokens may). */
export const DEFAULT_CONTEXT_TOKENS = 2_000;

// Shares of the budget, in the order the parts are filled.
const SHARES = { parent: 0.15, breadcrumb: 0.07, canon: 0.2, pages: 0.25, passages: 0.33 };

/** The words that say what the page at `m` is about: its link's words, its path, its brief. */
export function subjectWords(m: Mapping): string[] {
  const path = m.key.replace(/\.html?$/, "").replace(/[/_.-]+/g, " ");
  return searchWords(`${m.title ?? ""} ${path} ${m.prompt.slice(0, 300)}`, 14);
}

export function buildContext(
  store: Store,
  m: Mapping,
  budgetTokens = DEFAULT_CONTEXT_TOKENS,
): string {
  const words = subjectWords(m);
  const mem = store.memory;
  let carried = 0;
  const out: string[] = [];
  /** Adds a part's lines while they fit its share (plus what earlier parts left). */
  const part = (share: number, heading: string, lines: string[]) => {
    let room = Math.floor(budgetTokens * share) + carried - tokensOf(heading);
    const kept: string[] = [];
    for (const line of lines) {
      const cost = tokensOf(line) + 1;
      if (cost > room) break;
      kept.push(line);
      room -= cost;
    }
    carried = kept.length ? Math.max(0, room) : carried + Math.floor(budgetTokens * share);
    if (kept.length) out.push(heading, ...kept, "");
  };

  const parent = m.parent === null ? null : m.parent;
  if (parent !== null) {
    const title = mem.pageTitle(parent) ?? parent;
    const said = aboutLink(store.getPage(parent)?.html ?? "", m.key);
    const share = Math.floor(budgetTokens * SHARES.parent);
    part(SHARES.parent, "The page that links here:", [
      `${parent} — ${title}`,
      ...(said ? [`What it says about this link: "${clipTokens(said, share - 30)}"`] : []),
    ]);
  } else carried += Math.floor(budgetTokens * SHARES.parent);
  part(SHARES.breadcrumb, "Breadcrumb (ancestors, from the homepage):", breadcrumb(store, m));
  part(
    SHARES.canon,
    "Canon entries that concern this page (never contradict them):",
    mem.canonAbout(words, 30).map((e) => `- ${e.subject}: ${e.fact}`),
  );
  part(
    SHARES.pages,
    "Pages that exist (link to these rather than inventing near-duplicates):",
    mem.pages(words, m.key, 60).map((p) => `- ${p.key} — ${p.title}`),
  );
  part(
    SHARES.passages,
    "Passages of earlier pages on this subject (stay consistent with them):",
    mem.passages(words, m.key, 8).map((p) => `[${p.key}] ${p.text}`),
  );
  return out.join("\n").trim();
}

/** The ancestors of `m`, homepage first, as `path — title` (at most ten). */
function breadcrumb(store: Store, m: Mapping): string[] {
  const chain: string[] = [];
  let key = m.parent;
  const seen = new Set<string>([m.key]);
  while (key !== null && !seen.has(key) && chain.length < 10) {
    seen.add(key);
    chain.unshift(`${key} — ${store.memory.pageTitle(key) ?? store.getMapping(key)?.title ?? key}`);
    key = store.getMapping(key)?.parent ?? null;
  }
  return chain.length ? [chain.join(" › ")] : [];
}

// Block elements whose text is "what the page says about" a link inside them.
const BLOCK_OPEN = /<(p|li|dd|td|figcaption|blockquote|h[1-6])\b[^>]*>/gi;

/** The text of the block holding the parent's link to `key`, or null. */
export function aboutLink(parentHtml: string, key: string): string | null {
  const at = [`href="${key}"`, `href='${key}'`]
    .map((h) => parentHtml.indexOf(h))
    .find((i) => i !== -1);
  if (at === undefined) return null;
  let open = -1;
  let name = "";
  BLOCK_OPEN.lastIndex = Math.max(0, at - 3000);
  for (let b = BLOCK_OPEN.exec(parentHtml); b && b.index < at; b = BLOCK_OPEN.exec(parentHtml)) {
    open = b.index;
    name = (b[1] as string).toLowerCase();
  }
  const end = open === -1 ? -1 : parentHtml.indexOf(`</${name}`, at);
  const block =
    open !== -1 && end !== -1
      ? parentHtml.slice(open, end)
      : parentHtml.slice(Math.max(0, parentHtml.lastIndexOf("<", at)), at + 400);
  const text = plainText(block, 1200);
  return text || null;
}
