// --context-tokens: a small local model's window bounds prompt plus output together, and a
// server like Ollama truncates an overlong prompt silently (its default window is a few thousand
// tokens): the page would be written from half its brief. So each request is measured against
// the bound, its output cap lowered to what is left, and refused when not even a page fits.
//
// The hook for site context (the site memory's bible, ancestors, passages): `contextRoom` says
// how many tokens of it fit beside the bare page request; the context shrinks to that first.

import { buildUserPrompt, SYSTEM_PROMPT } from "../contract/prompt.ts";
import { UpstreamError } from "../core/errors.ts";
import { tokensOf } from "../core/text.ts";
import type { Usage } from "../core/types.ts";

/** Per-message framing a chat template adds (role markers, separators), counted generously. */
const MESSAGE_OVERHEAD_TOKENS = 8;

/** The estimated prompt of a request: its system text and messages, whatever their shape. */
export function promptTokens(system: string, messages: { content?: unknown }[]): number {
  let tokens = tokensOf(system) + MESSAGE_OVERHEAD_TOKENS;
  for (const m of messages) {
    const text = typeof m.content === "string" ? m.content : JSON.stringify(m.content);
    tokens += tokensOf(text) + MESSAGE_OVERHEAD_TOKENS;
  }
  return tokens;
}

/** The least output a page can be written in (the floor of --max-tokens too). */
export const MIN_PAGE_TOKENS = 256;
/**
 * Output kept free for the page when site context competes for the window: a typical generated
 * page is 2,000-4,000 tokens, so context never squeezes the page below this.
 */
export const PAGE_OUTPUT_RESERVE = 4096;

/**
 * The output cap of a request whose prompt is `prompt` tokens: `maxTokens`, lowered to what the
 * bound leaves; null when less than a page's minimum is left (the request must be refused).
 */
export function outputRoom(bound: number | null, prompt: number, maxTokens: number): number | null {
  if (bound === null) return maxTokens;
  const left = Math.min(maxTokens, bound - prompt);
  return left >= MIN_PAGE_TOKENS ? left : null;
}

/**
 * How many tokens of extra site context fit in a request whose bare form (system prompt and
 * page brief, no context) is `barePrompt` tokens: the bound less that and the output reserve.
 * Infinity without a bound; 0 when nothing fits (the page is then written from its brief).
 */
export function contextRoom(bound: number | null, barePrompt: number, maxTokens: number): number {
  if (bound === null) return Number.POSITIVE_INFINITY;
  const reserve = Math.min(maxTokens, PAGE_OUTPUT_RESERVE);
  return Math.max(0, bound - barePrompt - reserve);
}

/**
 * The output cap of round `round` of a generation, its prompt being `system` and `messages`;
 * throws (before any call, so nothing more is spent) when the bound leaves no room for a page.
 */
export function fitRound(
  bound: number | null,
  system: string,
  messages: { content?: unknown }[],
  maxTokens: number,
  spent: Usage,
  round: number,
): number {
  if (bound === null) return maxTokens;
  const prompt = promptTokens(system, messages);
  const room = outputRoom(bound, prompt, maxTokens);
  if (room !== null) return room;
  throw new UpstreamError(
    `the page's prompt (~${prompt} tokens) leaves less than ${MIN_PAGE_TOKENS} tokens for the ` +
      `page within --context-tokens ${bound}: raise it (and the model server's context size)`,
    "other",
    spent,
    round - 1,
  );
}

/**
 * The least a bound must allow for one page: the system prompt, the brief of a page that may
 * still link on (the longer form of the user prompt), and a page's minimum output.
 */
export function pageNeeds(): number {
  const brief = buildUserPrompt({ key: "/", prompt: "", depth: 1, depthLimit: 2 });
  return promptTokens(SYSTEM_PROMPT, [{ content: brief }]) + MIN_PAGE_TOKENS;
}
