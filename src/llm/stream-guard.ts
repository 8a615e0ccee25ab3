// What every streamed LLM call shares, whichever SDK makes it: the stall watchdog, the markers
// of why a stream ended early, and what an HTTP status means for the failure page and the log.

import type { UpstreamError } from "../core/errors.ts";

/** Continuations of a page cut off by the output cap, before it counts as a failure. */
export const MAX_CONTINUATIONS = 3;
// Generous: server tools run between events, and a false stall wastes the money already spent.
// The same as --stall-timeout's default (config.ts), for clients built without the option.
export const DEFAULT_STALL_MS = 120_000;

/** The caller's onText threw: not a broken connection. */
export class ConsumerError extends Error {}
/** The stream went silent longer than the stall timeout. */
export class StallError extends Error {}

/**
 * Opens a stream with a signal that also fires after `stallMs` without an event, and hands each
 * event to `each`. An abort ends an SDK's iterator quietly, so the outcome says why it ended.
 */
export async function watchStream<E>(
  open: (signal: AbortSignal) => Promise<AsyncIterable<E>>,
  each: (event: E) => void,
  signal: AbortSignal | undefined,
  stallMs: number,
): Promise<"ended" | "aborted" | "stalled"> {
  const watchdog = new AbortController();
  const both = signal ? AbortSignal.any([signal, watchdog.signal]) : watchdog.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => watchdog.abort(), stallMs);
  };
  try {
    const stream = await open(both);
    arm();
    for await (const event of stream) {
      if (both.aborted) break; // events already parsed must not reach onText after an abort
      arm();
      each(event);
    }
  } finally {
    clearTimeout(timer);
  }
  if (signal?.aborted) return "aborted";
  return watchdog.signal.aborted ? "stalled" : "ended";
}

/** Calls `onText`, marking its failure as the consumer's. */
export function feed(onText: ((delta: string) => void) | undefined, text: string): void {
  try {
    onText?.(text);
  } catch (err) {
    throw new ConsumerError("onText failed", { cause: err });
  }
}

/** The failure kind of an HTTP error status. */
export function kindOf(status: number): UpstreamError["kind"] {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status === 529) return "overloaded";
  return status >= 500 ? "server" : "other";
}
