// The one place that knows what Claude costs. An id missing here has an unknown cost, and a
// budget cannot be enforced on an unknown cost, so callers must refuse a budget without prices.

import type { Usage } from "../core/types.ts";

/**
 * USD per million tokens, and per 1,000 web searches. `cacheWrite` is the 5-minute rate (what
 * `cache_control: {type: "ephemeral"}` buys); `cacheWrite1h` the 1-hour one, beside it for
 * reference. `longPrompt`: the dearer band a request pays on every token once its prompt
 * (input + cache reads + cache writes) passes `aboveTokens` (Haiku 5.5).
 */
export interface Price {
  readonly input: number;
  readonly cacheWrite: number;
  readonly cacheWrite1h: number;
  readonly cacheRead: number;
  readonly output: number;
  readonly webSearchPer1k: number;
  readonly longPrompt?: { readonly aboveTokens: number; readonly price: Price };
}

/** The current Sonnet (released 2026-09-28; not retired before 2027-09-28). */
export const DEFAULT_MODEL = "claude-sonnet-5-5";

export const PRICES_AS_OF = "2026-12-01";
export const PRICES_SOURCE =
  "Anthropic's model pages, platform.claude.com/docs/en/models/<model>/overview (Pricing), read " +
  "2026-12-01, as recorded in NOTES.md. Sonnet 5.5's cache read is the $0.20 its page shows; " +
  "third parties report a cut to $0.10 from 2026-10-07, so cache reads may be overstated.";

const perMillion = (
  input: number,
  cacheWrite: number,
  cacheWrite1h: number,
  cacheRead: number,
  output: number,
): Price =>
  Object.freeze({ input, cacheWrite, cacheWrite1h, cacheRead, output, webSearchPer1k: 10 });

const SONNET_5 = perMillion(2, 2.5, 4, 0.2, 10);
const OPUS_5_5 = perMillion(4, 5, 8, 0.2, 20);
const OPUS_4_5 = perMillion(5, 6.25, 10, 0.5, 25);
const HAIKU_5_5 = Object.freeze({
  ...perMillion(0.1, 0.125, 0.2, 0.01, 0.5),
  longPrompt: Object.freeze({ aboveTokens: 100_000, price: perMillion(0.5, 0.625, 1, 0.05, 2.5) }),
});
const SONNET_4 = perMillion(3, 3.75, 6, 0.3, 15);
const HAIKU_4_5 = perMillion(1, 1.25, 2, 0.1, 5);

/** Keyed by model alias; a dated snapshot costs what its alias costs. */
export const PRICE_TABLE: Readonly<Record<string, Price>> = Object.freeze({
  "claude-sonnet-5-5": SONNET_5,
  "claude-sonnet-5": SONNET_5,
  "claude-opus-5-5": OPUS_5_5,
  "claude-opus-5": OPUS_4_5,
  "claude-haiku-5-5": HAIKU_5_5,
  // Legacy, still served.
  "claude-sonnet-4-6": SONNET_4,
  "claude-haiku-4-5": HAIKU_4_5,
  "claude-opus-4-5": OPUS_4_5,
  "claude-opus-4-6": OPUS_4_5,
  "claude-opus-4-7": OPUS_4_5,
  "claude-opus-4-8": OPUS_4_5,
  // Retired 2026-11-30: kept so that the last days of a ledger still have a price.
  "claude-sonnet-4-5": SONNET_4,
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

/**
 * The band of `price` a prompt of `promptTokens` pays. A generation's rounds are summed before
 * pricing, so a long one is priced as if one request had their whole prompt: an overstatement,
 * never an under-.
 */
export function bandOf(price: Price, promptTokens: number): Price {
  const long = price.longPrompt;
  return long && promptTokens > long.aboveTokens ? long.price : price;
}

/** What `usage` cost in USD at `price`. */
export function costOf(usage: Usage, band: Price): number {
  const prompt = usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens;
  const price = bandOf(band, prompt);
  const tokens =
    usage.inputTokens * price.input +
    usage.cacheWriteTokens * price.cacheWrite +
    usage.cacheReadTokens * price.cacheRead +
    usage.outputTokens * price.output;
  return tokens / 1_000_000 + (usage.webSearches * price.webSearchPer1k) / 1_000;
}

/**
 * Prices given on the command line for a model the table does not know: cache writes and reads
 * follow Anthropic's usual ratios to the input price (1.25× for 5 minutes, 2× for an hour, and
 * 0.1×), searches $10 per 1,000.
 */
export function explicitPrice(inputPerMillion: number, outputPerMillion: number): Price {
  const input = inputPerMillion;
  return perMillion(input, input * 1.25, input * 2, input * 0.1, outputPerMillion);
}

/**
 * Prices given for a model behind an OpenAI-compatible API: every prompt token at the input
 * price (the client bills cached prompt tokens as input, see openai-stream.ts), no searches.
 */
export function flatPrice(inputPerMillion: number, outputPerMillion: number): Price {
  const input = inputPerMillion;
  return Object.freeze({
    ...perMillion(input, input, input, input, outputPerMillion),
    webSearchPer1k: 0,
  });
}
