// Single-flight generations: at most one per key, however many visitors ask at once. A flight
// is refused before it starts when the budget cannot cover its first call, or while the
// upstream has rejected our API key.

import { SYSTEM_PROMPT } from "../contract/prompt.ts";
import type { Clock } from "../core/clock.ts";
import type { LlmClient, Logger, Mapping } from "../core/types.ts";
import type { Price } from "../llm/prices.ts";
import type { Store } from "../store/store.ts";
import { logAttempt } from "./attempt-log.ts";
import { createBudget, roundCeilingUsd } from "./budget.ts";
import { budgetNotices } from "./budget-notice.ts";
import { createCooldown } from "./cooldown.ts";
import { Fanout } from "./fanout.ts";
import { createLedger } from "./ledger.ts";
import { createPlanner, type PagePlan } from "./plan.ts";
import {
  type Failure,
  type FailureKind,
  type FlightResult,
  type GenerationEvent,
  PAUSED,
  runGeneration,
} from "./run.ts";

export interface GeneratorOptions {
  store: Store;
  llm: LlmClient;
  clock: Clock;
  logger: Logger;
  depthLimit: number;
  maxTokens: number;
  /** Site memory (bible, shell, context); off: every page from its brief alone. */
  memory?: boolean;
  /** Bound on a page's context in tokens (site memory). */
  contextTokens?: number;
  maxCostUsd: number | null;
  /** Prices of `llm.model`; null when the client is free or its prices are unknown. */
  price: Price | null;
  /** HTML appended to a live page whose generation failed after `sent` was streamed. */
  failureNotice?: (key: string, reason: string, sent: string) => string;
  /** Told about every finished attempt (logs, metrics). */
  onGeneration?: (event: GenerationEvent) => void;
  /** After the upstream rejects the API key, how long new generations are refused. */
  authCooldownMs?: number;
  /** How long a key cools down after its first paid failure (doubling per failure in a row). */
  failureCooldownMs?: number;
}

/** A generation under way: one per key, shared by everyone who asks for that key meanwhile. */
export interface Flight {
  readonly key: string;
  readonly startedAt: number;
  /** The page's HTML as it streams, for live visitors. */
  readonly fanout: Fanout;
  /** Settles when the page is stored or the attempt has failed; never rejects. */
  readonly done: Promise<FlightResult>;
  /** Whether the page may still add mappings (it is not at the depth limit). */
  readonly mayLink: boolean;
  /** The HTML streamed so far. */
  html(): string;
}

/** A flight refused before it starts: the same shape as a failed one. */
export type Refusal = Failure;

export type Generator = ReturnType<typeof createGenerator>;

export function createGenerator(opts: GeneratorOptions) {
  const { store, llm, clock, logger } = opts;
  const flights = new Map<string, Flight & { abort: AbortController }>();
  const failures = new Map<string, { kind: FailureKind; reason: string }>();
  // The price new pages reserve at: null when there is no cap to hold them to.
  const cappedPrice = opts.maxCostUsd !== null && !llm.free ? opts.price : null;
  const capped = cappedPrice !== null;
  const ledger = createLedger(store, logger);
  const cooldown = createCooldown(clock, opts.failureCooldownMs);
  // What is spent is the ledger plus what the database refused to record: never less.
  const budget = createBudget(
    capped ? opts.maxCostUsd : null,
    () => store.spentUsd() + ledger.heldUsd(),
  );
  const webTools = llm.webTools ?? false;
  const notices = budgetNotices(logger, budget, {
    maxCostUsd: opts.maxCostUsd ?? 0,
    maxTokens: opts.maxTokens,
    webTools,
  });
  let blockedUntil = 0;

  const plan = createPlanner(store, {
    ...opts,
    memory: opts.memory ?? false,
    windowTokens: llm.contextTokens ?? null,
  });
  /** The most the first call for `m` can cost: what a new page must be able to reserve. */
  function firstCallCeiling(m: Mapping, price: Price, p: PagePlan = plan(m)): number {
    const bytes = llm.measure?.(p.request) ?? roughSize(m);
    return roundCeilingUsd(price, bytes, opts.maxTokens, webTools);
  }
  const home = cappedPrice ? store.getMapping("/") : null;
  if (cappedPrice && home) notices.atStart(firstCallCeiling(home, cappedPrice));

  function refuse(key: string, r: Refusal): Refusal {
    failures.set(key, { kind: r.kind, reason: r.reason });
    return r;
  }

  /** A key that failed after a paid call waits before the next one; the page says until when. */
  function coolingRefusal(key: string): Refusal | null {
    const c = cooldown.explain(key);
    if (!c) return null;
    const kind = failures.get(key)?.kind === "refusal" ? "refusal" : "failed";
    return { ok: false, kind, ...c };
  }

  function settled(m: Mapping, result: FlightResult, event: GenerationEvent): void {
    if (!capped) budget.record(event.costUsd);
    if (event.error?.kind === "auth") blockedUntil = clock.now() + (opts.authCooldownMs ?? 60_000);
    logAttempt(logger, llm.provider, m.key, result, event);
    opts.onGeneration?.(event);
  }

  /** Why a new flight for `m` cannot start, before the budget is asked (it costs nothing). */
  function precheck(m: Mapping): Refusal | null {
    // No paid call whose cost could not be recorded: while the database refuses writes (and
    // the spend it refused is not in it yet), nothing new starts.
    if (!ledger.flush()) return refuse(m.key, PAUSED);
    const cool = coolingRefusal(m.key);
    if (cool) return cool;
    if (clock.now() < blockedUntil) {
      const reason = "New pages cannot be written right now; please try again later.";
      return refuse(m.key, { ok: false, kind: "unavailable", reason });
    }
    return null;
  }

  return {
    /** What start() would refuse `m` with, without starting or reserving anything (HEAD). */
    wouldRefuse(m: Mapping): Refusal | null {
      const refused = precheck(m);
      if (refused || !cappedPrice) return refused;
      const left = budget.leftUsd();
      if (left === null || firstCallCeiling(m, cappedPrice) <= left) return null;
      return { ok: false, kind: "budget", reason: "The budget is spent." };
    },
    /** The flight for `key`, joining one under way or starting one, or why it cannot start. */
    start(m: Mapping): Flight | Refusal {
      const existing = flights.get(m.key);
      if (existing) return existing;
      const refused = precheck(m);
      if (refused) return refused;
      let reservation = null;
      const pagePlan = plan(m);
      if (cappedPrice) {
        const first = firstCallCeiling(m, cappedPrice, pagePlan);
        reservation = budget.reserve(first);
        if (!reservation) {
          notices.refused(first);
          return refuse(m.key, { ok: false, kind: "budget", reason: "The budget is spent." });
        }
        notices.admitted();
      }
      failures.delete(m.key);
      const fanout = new Fanout();
      // Site memory: the shell's head and header reach visitors before the model's first token.
      fanout.push(pagePlan.prefix);
      const filter = pagePlan.filter;
      const abort = new AbortController();
      const ctx = { ...opts, llm, store, clock, ledger };
      const sinks = { fanout, plan: pagePlan, signal: abort.signal, reservation };
      const done = runGeneration(ctx, m, sinks)
        .then(({ result, event }) => {
          settled(m, result, event);
          if (result.ok) cooldown.succeeded(m.key);
          if (result.ok || (result.kind !== "failed" && result.kind !== "refusal")) return result;
          cooldown.failed(m.key);
          const cool = coolingRefusal(m.key);
          const reason = cool ? `${result.reason} ${cool.reason}` : result.reason;
          return { ...result, reason, retryAfterSec: cool?.retryAfterSec };
        })
        .catch((err: unknown): FlightResult => {
          // Storing failed (disk full, demoted to replica): nothing cached, the server lives on.
          reservation?.settle(0);
          logger.error("storing the page failed", { key: m.key, error: String(err) });
          return { ok: false, kind: "failed", reason: "The page could not be stored." };
        });
      const flight = {
        key: m.key,
        startedAt: clock.now(),
        fanout,
        done,
        abort,
        mayLink: m.depth < opts.depthLimit,
        html: () => filter.text,
      };
      flights.set(m.key, flight);
      void done.then((r) => {
        flights.delete(m.key);
        if (r.ok) return fanout.close();
        failures.set(m.key, { kind: r.kind, reason: r.reason });
        fanout.close(opts.failureNotice?.(m.key, r.reason, filter.text));
      });
      return flight;
    },
    get: (key: string): Flight | undefined => flights.get(key),
    /** Every flight under way (for operators). */
    list: (): Flight[] => [...flights.values()],
    /** Flights whose page is still being written and already shows a link containing `path`. */
    linkingTo: (path: string) =>
      [...flights.values()].filter((f) => f.mayLink && f.html().includes(path)),
    lastFailure: (key: string) => failures.get(key),
    /** When a key that failed may be tried again, or null if it may now. */
    coolingUntil: (key: string) => cooldown.cooling(key)?.until ?? null,
    /** A purge asks for a fresh page: it no longer waits out an old failure. */
    forgetFailure: (key: string) => {
      failures.delete(key);
      cooldown.succeeded(key);
    },
    budget,
    budgetSpent: () => budget.exhausted(),
    spentUsd: () => budget.spentUsd,
    get inFlight() {
      return flights.size;
    },
    /** Cancels every generation under way; each still records what it spent. */
    abortAll: () => {
      for (const f of flights.values()) f.abort.abort(new Error("server stopping"));
    },
    /** Resolves when every generation under way has settled (for a graceful stop), and the
     * spend the database refused so far has had one more chance to be recorded. */
    drain: () =>
      Promise.all([...flights.values()].map((f) => f.done)).then(() => {
        if (!ledger.flush()) {
          logger.error("stopping with spend the database never recorded", {
            costUsd: ledger.heldUsd(),
          });
        }
      }),
    /** Spend paid for that the database has not recorded yet (it refused the write). */
    unrecordedUsd: () => ledger.heldUsd(),
  };
}

/** For a client that cannot measure: generous, and beforeRound tops it up if it was short. */
function roughSize(m: Mapping): number {
  return Buffer.byteLength(SYSTEM_PROMPT) + Buffer.byteLength(m.prompt) * 2 + 4_000;
}

export function isRefusal(x: Flight | Refusal): x is Refusal {
  return "ok" in x;
}
