// The one place that knows what Claude costs. An id missing here has an unknown cost, and a
// budget cannot be enforced on an unknown cost, so callers must refuse a budget without prices.

import type { Usage } from "../types.ts";

/** USD per million tokens (cache write at the 5-minute rate), and per 1,000 web searches. */
export interface Price {
  readonly input: number;
  readonly cacheWrite: number;
  readonly cacheRead: number;
  readonly output: number;
  readonly webSearchPer1k: number;
}

/** Current and not deprecated (claude-sonnet-4-5 retires on 2026-11-30). */
export const DEFAULT_MODEL = "claude-sonnet-4-6";

export const PRICES_AS_OF = "2026-11-22";
export const PRICES_SOURCE =
  "Anthropic's official pricing page (platform.claude.com/docs/en/about-claude/pricing), as " +
  "recorded in NOTES.md. Sonnet 5.x is left out: only third parties have reported its prices.";

const perMillion = (input: number, cacheWrite: number, cacheRead: number, output: number): Price =>
  Object.freeze({ input, cacheWrite, cacheRead, output, webSearchPer1k: 10 });

const SONNET_4 = perMillion(3, 3.75, 0.3, 15);
const HAIKU_4_5 = perMillion(1, 1.25, 0.1, 5);
const OPUS_4_5 = perMillion(5, 6.25, 0.5, 25);

/** Keyed by model alias; a dated snapshot costs what its alias costs. */
export const PRICE_TABLE: Readonly<Record<string, Price>> = Object.freeze({
  "claude-sonnet-4-5": SONNET_4,
  "claude-sonnet-4-6": SONNET_4,
  "claude-haiku-4-5": HAIKU_4_5,
  "claude-opus-4-5": OPUS_4_5,
  "claude-opus-4-6": OPUS_4_5,
  "claude-opus-4-7": OPUS_4_5,
  "claude-opus-4-8": OPUS_4_5,
});

// A snapshot is the alias plus a date (claude-haiku-4-5-20251001, or @20251001 on Vertex). A
// looser prefix match would price a future claude-opus-4-50 as claude-opus-4-5.
const SNAPSHOT = /^(.+?)[-@]\d{8}$/;

// Own keys only: "constructor" must not find Object.prototype's.
const lookup = (id: string) => (Object.hasOwn(PRICE_TABLE, id) ? PRICE_TABLE[id] : undefined);

/** The price of `model`, an alias or a dated snapshot of one; null when unknown. */
export function priceFor(model: string): Price | null {
  const id = model.trim().toLowerCase();
  const alias = SNAPSHOT.exec(id)?.[1];
  return lookup(id) ?? (alias ? lookup(alias) : undefined) ?? null;
}

/** What `usage` cost in USD at `price`. */
export function costOf(usage: Usage, price: Price): number {
  const tokens =
    usage.inputTokens * price.input +
    usage.cacheWriteTokens * price.cacheWrite +
    usage.cacheReadTokens * price.cacheRead +
    usage.outputTokens * price.output;
  return tokens / 1_000_000 + (usage.webSearches * price.webSearchPer1k) / 1_000;
}

/**
 * Prices given on the command line for a model the table does not know: cache writes and reads
 * follow Anthropic's usual ratios to the input price (1.25× and 0.1×), searches $10 per 1,000.
 */
export function explicitPrice(inputPerMillion: number, outputPerMillion: number): Price {
  return perMillion(
    inputPerMillion,
    inputPerMillion * 1.25,
    inputPerMillion * 0.1,
    outputPerMillion,
  );
}
