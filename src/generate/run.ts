// One generation from start to ledger: call the model (every round covered by the budget),
// stream its HTML to the fanout, then store the page with its children, or record the failure.

import type { Clock } from "../core/clock.ts";
import { UpstreamError } from "../core/errors.ts";
import { usd } from "../core/format.ts";
import type { Attempt, AttemptOutcome, LlmClient, Mapping, Usage } from "../core/types.ts";
import { ZERO_USAGE } from "../core/types.ts";
import { encodePage } from "../encoding/encode.ts";
import { costOf, type Price } from "../llm/prices.ts";
import type { Store } from "../store/store.ts";
import { type Reservation, roundCeilingUsd } from "./budget.ts";
import type { Fanout } from "./fanout.ts";
import type { Ledger } from "./ledger.ts";
import type { PagePlan } from "./plan.ts";

export type FailureKind = "failed" | "refusal" | "budget" | "unavailable";
/** Why a page was not written (or will not be started): the one failure shape. */
export interface Failure {
  ok: false;
  kind: FailureKind;
  reason: string;
  /** When to ask again, if known (a cool-down, the budget). */
  retryAfterSec?: number;
}
export type FlightResult = { ok: true } | Failure;

/** While the database refuses writes: no flight starts (generator.ts), no round is paid for. */
export const PAUSED: Failure = {
  ok: false,
  kind: "unavailable",
  reason: "New pages are paused: the site cannot save them right now.",
};

/** What one generation did, for logs and metrics. */
export interface GenerationEvent {
  key: string;
  model: string;
  outcome: AttemptOutcome;
  usage: Usage;
  costUsd: number;
  rounds: number;
  firstTokenMs: number | null;
  totalMs: number;
  error: UpstreamError | null;
  /** False when the database refused the ledger row (it is held in memory until it accepts). */
  stored: boolean;
}

export interface RunContext {
  store: Store;
  /** Where attempts are written, or held when the database refuses. */
  ledger: Ledger;
  llm: LlmClient;
  clock: Clock;
  price: Price | null;
  depthLimit: number;
  maxTokens: number;
}

export interface RunSinks {
  fanout: Fanout;
  /** How the page is asked for, streamed and put together (plan.ts). */
  plan: PagePlan;
  signal: AbortSignal;
  /** Null when nothing needs reserving (no cap, or a free client). */
  reservation: Reservation | null;
}

export async function runGeneration(
  ctx: RunContext,
  m: Mapping,
  sinks: RunSinks,
): Promise<{ result: FlightResult; event: GenerationEvent }> {
  const { store, llm, clock } = ctx;
  const startedAt = clock.now();
  let firstTokenAt: number | null = null;
  const cost = (u: Usage) => (ctx.price ? costOf(u, ctx.price) : 0);

  /** Settles the money and writes the ledger row (with the page when there is one). */
  const finish = (
    usage: Usage,
    rounds: number,
    outcome: AttemptOutcome,
    error: UpstreamError | null,
    reason: string | null,
    save?: (attempt: Attempt) => void,
  ): GenerationEvent => {
    const attempt = attemptOf(usage, rounds, outcome, reason);
    sinks.reservation?.settle(attempt.costUsd);
    const stored = ctx.ledger.write(attempt, save);
    return {
      key: m.key,
      model: llm.model,
      outcome: stored ? outcome : "error",
      stored,
      usage,
      costUsd: attempt.costUsd,
      rounds,
      firstTokenMs: firstTokenAt === null ? null : firstTokenAt - startedAt,
      totalMs: attempt.durationMs,
      error,
    };
  };
  const attemptOf = (
    usage: Usage,
    rounds: number,
    outcome: AttemptOutcome,
    error: string | null,
  ) => ({
    key: m.key,
    provider: llm.provider,
    model: llm.model,
    usage,
    costUsd: cost(usage),
    rounds,
    outcome,
    error,
    startedAt,
    durationMs: clock.now() - startedAt,
  });

  // Set when a round is refused because the database refuses writes (see beforeRound).
  let paused = false;
  try {
    const res = await llm.generate({
      ...sinks.plan.request,
      signal: sinks.signal,
      // Before every paid call, not only the first: while the database refuses writes (another
      // page's ledger row is held in memory), no further call is made, continuations included.
      beforeRound: (round, bytes) => {
        if (ctx.ledger.flush()) return coverRound(ctx, sinks.reservation, round, bytes);
        paused = true;
        return "the database refuses writes: no further paid call until it accepts them";
      },
      onText: (delta) => {
        firstTokenAt ??= clock.now();
        sinks.fanout.push(sinks.plan.filter.push(delta));
      },
    });
    if (res.stopReason === "refusal") {
      const event = finish(res.usage, res.rounds, "refusal", null, "the model refused");
      return { result: { ok: false, kind: "refusal", reason: "The model declined." }, event };
    }
    const parsed = sinks.plan.finish(res.text);
    const html = parsed.html;
    if (res.stopReason !== "end_turn" || html === null) {
      const why = html === null ? "no whole HTML document" : `stopped: ${res.stopReason}`;
      const event = finish(res.usage, res.rounds, "incomplete", null, why);
      const reason = `The model's answer was unfinished (${why}).`;
      return { result: { ok: false, kind: "failed", reason }, event };
    }
    // The homepage is the site's dictionary (every visitor's usual first page): the other pages
    // also get a copy compressed against it, as it is now.
    const home = m.key === "/" ? null : store.getPageBody("/", "identity");
    const encoded = await encodePage(html, home?.body ?? null);
    const children = parsed.mappings.map((c) => ({
      key: c.url,
      prompt: c.prompt,
      depth: m.depth + 1,
      parent: m.key,
      title: c.title ?? null,
    }));
    const event = finish(res.usage, res.rounds, "ok", null, null, (attempt) =>
      store.savePage(
        {
          key: m.key,
          html,
          prompt: m.prompt,
          depth: m.depth,
          parent: m.parent,
          model: res.model,
          usage: res.usage,
          costUsd: attempt.costUsd,
          rounds: res.rounds,
          genMs: attempt.durationMs,
          ...encoded,
        },
        children,
        attempt,
        parsed.memory,
      ),
    );
    if (!event.stored) {
      const reason = "The page was written but could not be stored; please try again later.";
      return { result: { ok: false, kind: "unavailable", reason }, event };
    }
    sinks.fanout.push(parsed.tail);
    return { result: { ok: true }, event };
  } catch (err) {
    const up = err instanceof UpstreamError ? err : null;
    const message = err instanceof Error ? err.message : String(err);
    const event = finish(up?.usage ?? { ...ZERO_USAGE }, up?.rounds ?? 1, "error", up, message);
    const result: FlightResult = paused
      ? PAUSED
      : up?.kind === "budget"
        ? { ok: false, kind: "budget", reason: "The site's budget cannot cover this page." }
        : { ok: false, kind: "failed", reason: "The page could not be written just now." };
    return { result, event };
  }
}

/** beforeRound: grow the reservation to cover the next call, or refuse it. */
function coverRound(
  ctx: RunContext,
  reservation: Reservation | null,
  round: number,
  requestBytes: number,
): string | undefined {
  if (!reservation || !ctx.price) return undefined;
  const ceiling = roundCeilingUsd(
    ctx.price,
    requestBytes,
    ctx.maxTokens,
    ctx.llm.webTools ?? false,
  );
  // The first call was reserved from an estimate when the flight started; top it up if short.
  const more = round === 1 ? Math.max(0, ceiling - reservation.amount) : ceiling;
  if (more === 0 || reservation.extend(more)) return undefined;
  return `budget: round ${round} could cost up to ${usd(ceiling, true)}, more than is left`;
}
