import { UpstreamError } from "../errors.ts";
import { parseOutput } from "../llm/parse.ts";
import { costOf, type Price } from "../llm/prices.ts";
import { buildUserPrompt, SYSTEM_PROMPT } from "../llm/prompt.ts";
import type { Store } from "../store/store.ts";
import type {
  Attempt,
  AttemptOutcome,
  Clock,
  LlmClient,
  Logger,
  Mapping,
  Usage,
} from "../types.ts";
import { Fanout } from "./fanout.ts";
import { createHtmlFilter } from "./html-filter.ts";

export interface GeneratorOptions {
  store: Store;
  llm: LlmClient;
  clock: Clock;
  logger: Logger;
  depthLimit: number;
  maxTokens: number;
  maxCostUsd: number | null;
  /** Prices of `llm.model`; null when the client is free or its prices are unknown. */
  price: Price | null;
  /** HTML appended to a live page whose generation failed after bytes were sent. */
  failureNotice?: (key: string, reason: string) => string;
}

export type FailureKind = "failed" | "refusal" | "budget";

export type FlightResult = { ok: true } | { ok: false; kind: FailureKind; reason: string };

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

export type Generator = ReturnType<typeof createGenerator>;

export function createGenerator(opts: GeneratorOptions) {
  const { store, llm, clock, logger } = opts;
  const flights = new Map<string, Flight>();
  const aborts = new Map<string, AbortController>();
  const failures = new Map<string, { kind: FailureKind; reason: string }>();
  let spent = store.spentUsd();

  const budgetSpent = () => opts.maxCostUsd !== null && spent >= opts.maxCostUsd;
  const cost = (u: Usage) => (opts.price ? costOf(u, opts.price) : 0);

  async function run(
    m: Mapping,
    fanout: Fanout,
    filter: ReturnType<typeof createHtmlFilter>,
    signal: AbortSignal,
  ): Promise<FlightResult> {
    const startedAt = clock.now();
    const atLimit = m.depth >= opts.depthLimit;
    const attempt = (
      usage: Usage,
      rounds: number,
      outcome: AttemptOutcome,
      error: string | null,
    ) => {
      const a: Attempt = {
        key: m.key,
        model: llm.model,
        usage,
        costUsd: cost(usage),
        rounds,
        outcome,
        error,
        startedAt,
        durationMs: clock.now() - startedAt,
      };
      spent += a.costUsd;
      return a;
    };
    try {
      const result = await llm.generate({
        system: SYSTEM_PROMPT,
        prompt: buildUserPrompt({ ...m, depthLimit: opts.depthLimit }),
        maxTokens: opts.maxTokens,
        signal,
        onText: (delta) => fanout.push(filter.push(delta)),
      });
      const parsed = parseOutput(result.text, { allowMappings: !atLimit, base: m.key });
      if (result.stopReason === "refusal") {
        store.recordAttempt(attempt(result.usage, result.rounds, "refusal", "model refused"));
        return { ok: false, kind: "refusal", reason: "The model declined to write this page." };
      }
      if (result.stopReason !== "end_turn" || parsed.html === null) {
        const why =
          parsed.html === null ? "no whole HTML document" : `stopped: ${result.stopReason}`;
        store.recordAttempt(attempt(result.usage, result.rounds, "incomplete", why));
        return { ok: false, kind: "failed", reason: `The model's answer was unfinished (${why}).` };
      }
      const a = attempt(result.usage, result.rounds, "ok", null);
      const children = parsed.mappings.map((c) => ({
        key: c.url,
        prompt: c.prompt,
        depth: m.depth + 1,
        parent: m.key,
      }));
      store.savePage(
        {
          key: m.key,
          html: parsed.html,
          prompt: m.prompt,
          depth: m.depth,
          parent: m.parent,
          model: result.model,
          usage: result.usage,
          costUsd: a.costUsd,
          rounds: result.rounds,
          genMs: a.durationMs,
        },
        children,
        a,
      );
      logger.info("generated", {
        key: m.key,
        model: result.model,
        ms: a.durationMs,
        cost: a.costUsd,
        children: children.length,
      });
      return { ok: true };
    } catch (err) {
      const usage = err instanceof UpstreamError ? err.usage : zero();
      const rounds = err instanceof UpstreamError ? err.rounds : 1;
      const message = err instanceof Error ? err.message : String(err);
      store.recordAttempt(attempt(usage, rounds, "error", message));
      logger.error("generation failed", { key: m.key, error: message });
      return { ok: false, kind: "failed", reason: "The page could not be written just now." };
    }
  }

  return {
    /** The flight for `key`, joining one under way or starting one; null when refused. */
    start(m: Mapping): Flight | null {
      const existing = flights.get(m.key);
      if (existing) return existing;
      if (budgetSpent()) {
        failures.set(m.key, { kind: "budget", reason: "budget spent" });
        return null;
      }
      failures.delete(m.key);
      const fanout = new Fanout();
      const filter = createHtmlFilter();
      const abort = new AbortController();
      aborts.set(m.key, abort);
      const done = run(m, fanout, filter, abort.signal).then(
        (r) => r,
        (err: unknown): FlightResult => {
          // Storing failed (disk full, read-only file): nothing is cached, the server lives on.
          logger.error("storing the page failed", { key: m.key, error: String(err) });
          return { ok: false, kind: "failed", reason: "The page could not be stored." };
        },
      );
      const flight: Flight = {
        key: m.key,
        startedAt: clock.now(),
        fanout,
        done,
        mayLink: m.depth < opts.depthLimit,
        html: () => filter.text,
      };
      flights.set(m.key, flight);
      void done.then((r) => {
        flights.delete(m.key);
        aborts.delete(m.key);
        if (r.ok) return fanout.close();
        failures.set(m.key, { kind: r.kind, reason: r.reason });
        fanout.close(opts.failureNotice?.(m.key, r.reason));
      });
      return flight;
    },
    get: (key: string) => flights.get(key),
    /** Every flight under way (for operators). */
    list: () => [...flights.values()],
    /** Flights whose page is still being written and already shows a link containing `path`. */
    linkingTo: (path: string) =>
      [...flights.values()].filter((f) => f.mayLink && f.html().includes(path)),
    lastFailure: (key: string) => failures.get(key),
    budgetSpent,
    spentUsd: () => spent,
    get inFlight() {
      return flights.size;
    },
    /** Cancels every generation under way; each still records what it spent. */
    abortAll: () => {
      for (const a of aborts.values()) a.abort(new Error("server stopping"));
    },
    /** Resolves when every generation under way has settled (for a graceful stop). */
    drain: () => Promise.all([...flights.values()].map((f) => f.done)).then(() => undefined),
  };
}

function zero(): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    webSearches: 0,
  };
}
