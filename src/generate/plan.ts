// How one page is asked for and put together. Without memory: the original request, filter and
// parser. With it: the fixed prompt plus the bible (cached), the context, the shell's head and
// header sent before the model writes, the content streamed into it, the page assembled.

import { createHtmlFilter } from "../contract/html-filter.ts";
import { parseMemoryAnswer } from "../contract/memory-answer.ts";
import { createContentFilter } from "../contract/memory-filter.ts";
import { bibleBlock, buildMemoryPrompt, MEMORY_SYSTEM_PROMPT } from "../contract/memory-prompt.ts";
import { parseOutput } from "../contract/parse.ts";
import { buildUserPrompt, SYSTEM_PROMPT } from "../contract/prompt.ts";
import {
  assemblePage,
  extractShell,
  type Shell,
  shellPrefix,
  shellSuffix,
} from "../contract/shell.ts";
import { clipTokens, plainText, titleOf } from "../core/text.ts";
import type { GenerateRequest, Mapping, ParsedOutput } from "../core/types.ts";
import { contextRoom, promptTokens } from "../llm/context.ts";
import type { PageMemory } from "../store/memory.ts";
import type { Store } from "../store/store.ts";
import { buildContext, DEFAULT_CONTEXT_TOKENS } from "./context.ts";

export interface PagePlan {
  request: Pick<GenerateRequest, "system" | "bible" | "prompt" | "maxTokens">;
  /** Sent to visitors before the model's first token: the shell's head and header, or "". */
  prefix: string;
  /** The streamed model text → the bytes visitors may see; `text` is all they were sent. */
  filter: { push(delta: string): string; readonly text: string };
  /** The whole answer → the page to store (null if not whole), its children, its memory. */
  finish(text: string): PlannedPage;
}

export interface PlannedPage {
  html: string | null;
  mappings: ParsedOutput["mappings"];
  memory?: PageMemory;
  /** What visitors still need once the page is stored: unstreamed content, the footer. */
  tail: string;
}

export interface PlanOptions {
  memory: boolean;
  depthLimit: number;
  maxTokens: number;
  /** The bound on a page's context in tokens (DEFAULT_CONTEXT_TOKENS unless told). */
  contextTokens?: number;
  /** --context-tokens, the model's whole window: the context shrinks to what it leaves. */
  windowTokens?: number | null;
}

/** Plans pages for one server: the shell is worked out once per homepage version. */
export function createPlanner(store: Store, o: PlanOptions) {
  let shellOf: { etag: string; shell: Shell | null } | null = null;
  const shell = (): { shell: Shell | null; home: string } => {
    const home = store.getPage("/");
    if (!home) return { shell: null, home: "" };
    if (shellOf?.etag !== home.etag) shellOf = { etag: home.etag, shell: extractShell(home.html) };
    return { shell: shellOf.shell, home: home.html };
  };

  return (m: Mapping): PagePlan => {
    const allowMappings = m.depth < o.depthLimit;
    if (!o.memory) {
      return {
        request: originalRequest(m, o.depthLimit, o.maxTokens),
        prefix: "",
        filter: createHtmlFilter(),
        finish: (text) => {
          const parsed = parseOutput(text, { allowMappings, base: m.key });
          // Indexed all the same: a site that turns memory on later has its pages as context.
          const title = parsed.html ? (titleOf(parsed.html) ?? m.key) : m.key;
          const memory = { title, text: plainText(parsed.html ?? ""), canon: [], bible: null };
          return { ...parsed, memory, tail: "" };
        },
      };
    }
    const bible = store.memory.bible();
    const site = m.key === "/" ? { shell: null, home: "" } : shell();
    const layout = site.shell ? "content" : "document";
    const title = m.title?.trim() || titleFromKey(m.key);
    const promptWith = (context: string) =>
      buildMemoryPrompt({
        ...m,
        depthLimit: o.depthLimit,
        layout,
        title,
        context,
        wantBible: !bible,
      });
    // A small window (--context-tokens) leaves the context what the bare request does not take.
    const system = `${MEMORY_SYSTEM_PROMPT}${bible ? bibleBlock(bible.text) : ""}`;
    const measure = (context: string) => promptTokens(system, [{ content: promptWith(context) }]);
    const bare = measure("");
    const room = contextRoom(o.windowTokens ?? null, bare, o.maxTokens);
    const first = m.key === "/" && m.parent === null && !store.hasPage("/");
    const context = first
      ? ""
      : fitContext(
          (budget) => {
            const found = buildContext(store, m, budget);
            // An older site has no bible: the homepage it has is what the model draws one from.
            return !bible && site.home ? `${homeSummary(site.home)}\n\n${found}`.trim() : found;
          },
          (c) => measure(c) - bare,
          Math.min(o.contextTokens ?? DEFAULT_CONTEXT_TOKENS, room),
          room,
        );
    const prompt = promptWith(context);
    const request = {
      system: MEMORY_SYSTEM_PROMPT,
      ...(bible ? { bible: bibleBlock(bible.text) } : {}),
      prompt,
      maxTokens: o.maxTokens,
    };
    if (!site.shell) {
      const filter = createHtmlFilter();
      return {
        request,
        prefix: "",
        filter,
        finish: (text) => {
          const a = parseMemoryAnswer(text, { layout, allowMappings, base: m.key, title });
          const pageTitle = a.html ? (titleOf(a.html) ?? title) : title;
          const memory = {
            title: pageTitle,
            text: plainText(a.html ?? ""),
            canon: a.canon,
            bible: bible ? null : a.bible,
          };
          return { html: a.html, mappings: a.mappings, memory, tail: "" };
        },
      };
    }
    const s = site.shell;
    const prefix = shellPrefix(s, title);
    const filter = createContentFilter(prefix);
    return {
      request,
      prefix,
      filter,
      finish: (text) => {
        const a = parseMemoryAnswer(text, { layout, allowMappings, base: m.key, title });
        const c = a.content;
        if (!c) return { html: null, mappings: a.mappings, tail: "" };
        // What never streamed goes now, laid out as the stored page has it (assemblePage).
        const style = c.styleFirst ? "" : c.style.trim();
        const rest = filter.streamedContent ? "" : `${style ? `${style}\n` : ""}${c.main.trim()}`;
        const memory = {
          title: c.title,
          text: plainText(c.main),
          canon: a.canon,
          bible: bible ? null : a.bible,
        };
        return {
          html: assemblePage(s, c),
          mappings: a.mappings,
          memory,
          tail: rest + shellSuffix(s),
        };
      },
    };
  };
}

/** The request without memory: exactly what the server sent before site memory existed. */
export function originalRequest(m: Mapping, depthLimit: number, maxTokens: number) {
  return { system: SYSTEM_PROMPT, prompt: buildUserPrompt({ ...m, depthLimit }), maxTokens };
}

/** What an older site's homepage shows, for the model to draw the bible from. */
function homeSummary(home: string): string {
  const nav = [
    ...(extractShell(home)?.header ?? "").matchAll(
      /<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi,
    ),
  ]
    .map((a) => `${plainText(a[2] ?? "")} ${a[1]}`)
    .join("; ");
  const styles = (home.match(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi) ?? []).join("\n");
  const colours = [...new Set(styles.match(/#[0-9a-f]{6}\b|#[0-9a-f]{3}\b/gi) ?? [])]
    .slice(0, 12)
    .join(", ");
  return [
    `The homepage (/): ${titleOf(home) ?? "untitled"}`,
    `Its navigation: ${nav || "none"}`,
    `Colours in its styles: ${colours || "none"}`,
    `What it says: ${clipTokens(plainText(home), 400)}`,
  ].join("\n");
}

/** A title from a path's last segment, for a link whose words are not known. */
export function titleFromKey(key: string): string {
  const last = key.split("/").filter(Boolean).at(-1) ?? "";
  let words = last;
  try {
    words = decodeURIComponent(last);
  } catch {}
  words = words
    .replace(/\.html?$/, "")
    .replace(/[-_+]+/g, " ")
    .trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "Home";
}

/**
 * The context built with the largest budget (from `start`) whose measure, in the window's
 * estimate, is within `room`: the measure also counts what surrounds the context (its headings,
 * an older site's home summary), so the budget shrinks in proportion until it fits, or the page
 * goes without.
 */
function fitContext(
  build: (budget: number) => string,
  measure: (context: string) => number,
  start: number,
  room: number,
): string {
  let budget = start;
  for (let i = 0; i < 6 && budget > 0; i++) {
    const context = build(budget);
    const used = measure(context);
    if (used <= room) return context;
    budget = Math.floor((budget * room) / used) - 1;
  }
  return "";
}
