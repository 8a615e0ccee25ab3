// What the operator is told about each finished attempt: one `generation` line with its usage,
// cost and timings (info when it stored a page, warn otherwise), and, when the upstream rejected
// the API key, an error line saying which key to check and what visitors get meanwhile.

import type { Logger } from "../core/types.ts";
import type { FlightResult, GenerationEvent } from "./run.ts";

export function logAttempt(
  logger: Logger,
  provider: string,
  key: string,
  result: FlightResult,
  event: GenerationEvent,
): void {
  if (event.error?.kind === "auth") {
    const [api, variable] =
      provider === "openai"
        ? ["OpenAI-compatible", "OPENAI_API_KEY"]
        : ["Anthropic", "ANTHROPIC_API_KEY"];
    logger.error(
      `the ${api} API rejected the API key: check ${variable}; new pages are ` +
        "refused with 503 for a minute at a time until it is fixed",
      { key, error: event.error.message },
    );
  }
  const log = event.outcome === "ok" ? logger.info : logger.warn;
  log("generation", {
    key,
    model: event.model,
    outcome: event.outcome,
    inputTokens: event.usage.inputTokens,
    outputTokens: event.usage.outputTokens,
    cacheWriteTokens: event.usage.cacheWriteTokens,
    cacheReadTokens: event.usage.cacheReadTokens,
    webSearches: event.usage.webSearches,
    costUsd: event.costUsd,
    rounds: event.rounds,
    firstTokenMs: event.firstTokenMs,
    totalMs: event.totalMs,
    ...(event.stored ? {} : { stored: false }),
    ...(result.ok ? {} : { error: event.error?.message ?? result.reason }),
  });
}
