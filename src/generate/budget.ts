// The operator's --max-cost as a promise: every API call is covered by a reservation of its
// worst-case cost before it starts, so that under any concurrency what is spent plus what is
// reserved never passes the cap.

import { TOOL_LIMITS } from "../llm/limits.ts";
import { bandOf, type Price } from "../llm/prices.ts";

// Floating-point sums of many small costs drift; a nano-dollar of slack keeps "exactly
// exhausted" exact without letting a real overrun through.
const EPSILON = 1e-9;
/** Tokens the API adds beyond the request body: tool definitions, message framing. */
const REQUEST_OVERHEAD_TOKENS = 2_000;

/**
 * The most one API call can cost. The request's size in bytes bounds its input tokens (a token
 * is at least one byte); server tools add their results to the input, and each tool use makes
 * the model read the whole context again, so with tools the input is counted once per pass.
 * Input is priced at the dearer of the input and cache-write rates, in the price band such an
 * input pays. `maxTokens` bounds the output thinking included: thinking counts toward it.
 */
export function roundCeilingUsd(
  price: Price,
  requestBytes: number,
  maxTokens: number,
  webTools: boolean,
): number {
  const uses = webTools ? TOOL_LIMITS.searches + TOOL_LIMITS.fetches : 0;
  const toolResults = webTools
    ? TOOL_LIMITS.searches * TOOL_LIMITS.searchTokens +
      TOOL_LIMITS.fetches * TOOL_LIMITS.fetchTokens
    : 0;
  const input = (requestBytes + REQUEST_OVERHEAD_TOKENS + toolResults) * (1 + uses);
  price = bandOf(price, input);
  const inputRate = Math.max(price.input, price.cacheWrite);
  const searches = webTools ? (TOOL_LIMITS.searches * price.webSearchPer1k) / 1000 : 0;
  return (input * inputRate + maxTokens * price.output) / 1_000_000 + searches;
}

export interface Reservation {
  readonly amount: number;
  /** Covers one more call; false (and nothing reserved) when the budget cannot. */
  extend(more: number): boolean;
  /** Replaces the reservation with what was really spent. */
  settle(actualUsd: number): void;
}

export type Budget = ReturnType<typeof createBudget>;

/** `readSpent` is the ledger's sum (plus what it refused to record): read afresh for each new
 * generation, so a machine that has just become the primary takes the ledger's figure when it
 * is higher than the one it had as a replica; never a lower one. */
export function createBudget(limitUsd: number | null, readSpent: () => number) {
  let spent = readSpent();
  let reserved = 0;
  const fits = (more: number) => limitUsd === null || spent + reserved + more <= limitUsd + EPSILON;

  return {
    get spentUsd() {
      return spent;
    },
    get reservedUsd() {
      return reserved;
    },
    /** What is left to spend or reserve; null without a cap. */
    leftUsd(): number | null {
      return limitUsd === null ? null : Math.max(0, limitUsd - spent - reserved);
    },
    /** No new generation can start: the cap is reached by what was spent. */
    exhausted(): boolean {
      return limitUsd !== null && spent >= limitUsd - EPSILON;
    },
    reserve(amount: number): Reservation | null {
      // The ledger, but never less than this process knows it spent: a figure read lower than
      // the memory floor (a write lost, a file swapped under it) must not free money.
      spent = Math.max(spent, readSpent());
      if (!fits(amount)) return null;
      reserved += amount;
      let held = amount;
      let open = true;
      return {
        get amount() {
          return held;
        },
        extend(more) {
          if (!open || !fits(more)) return false;
          reserved += more;
          held += more;
          return true;
        },
        settle(actualUsd) {
          if (!open) return;
          open = false;
          reserved -= held;
          spent += actualUsd;
        },
      };
    },
    /** Money spent outside a reservation (no cap, or a free client): only counted. */
    record(actualUsd: number): void {
      spent += actualUsd;
    },
  };
}
