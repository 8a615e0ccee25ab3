// rabbithole's metrics, all defined here so their names and labels are one list, and the
// server that exposes them on their own port (--metrics-port): scraping stays off the public
// port, where a visitor could read the spend, and off the request path's error handling.

import type { RoleName } from "../core/role.ts";
import type { Usage } from "../core/types.ts";
import { Registry } from "./metrics-registry.ts";

export { Registry } from "./metrics-registry.ts";

/** How a request was served; the log line uses the same words. */
export type RequestOutcome =
  | "hit"
  | "generated"
  | "joined"
  | "replayed"
  | "refused"
  | "not_found"
  | "error"
  | "system";

export type TokenKind = "input" | "output" | "cache_write" | "cache_read";

// Requests range from a cached hit (well under a millisecond) to a live generation of minutes.
const DURATION_BUCKETS = [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createRabbitholeMetrics(registry = new Registry()) {
  const requests = registry.counter(
    "rabbithole_requests_total",
    "HTTP requests answered, by how they were served and status code.",
    ["outcome", "status"],
  );
  const requestDuration = registry.histogram(
    "rabbithole_request_duration_seconds",
    "Time to answer a request (to the end of the body for streamed pages), by outcome.",
    DURATION_BUCKETS,
    ["outcome"],
  );
  const generations = registry.counter(
    "rabbithole_generations_total",
    "Generation attempts finished, by model and outcome (ok, error, incomplete, refusal…).",
    ["model", "outcome"],
  );
  const tokens = registry.counter(
    "rabbithole_tokens_total",
    "Tokens consumed upstream, by model and kind (input, output, cache_write, cache_read).",
    ["model", "kind"],
  );
  const cost = registry.counter(
    "rabbithole_cost_usd_total",
    "Money spent upstream in USD, failed attempts included, by model.",
    ["model"],
  );
  const upstreamErrors = registry.counter(
    "rabbithole_upstream_errors_total",
    "Upstream (LLM) call failures, by class (rate_limit, overloaded, connection, stall…).",
    ["kind"],
  );
  const inFlight = registry.callbackGauge(
    "rabbithole_generations_in_flight",
    "Generations under way on this machine.",
  );
  const budgetLeft = registry.callbackGauge(
    "rabbithole_budget_left_usd",
    "USD left under --max-cost; absent when no budget is set.",
  );
  const role = registry.callbackGauge<"role">(
    "rabbithole_role",
    "1 for this machine's current LiteFS role (primary or replica), 0 for the other.",
    ["role"],
  );

  // Every request is counted: its series are resolved once per outcome and status, not per hit
  // (labels to values, to a key, to the series, twice).
  type PerOutcome = {
    duration: ReturnType<typeof requestDuration.labels>;
    byStatus: Map<number, ReturnType<typeof requests.labels>>;
  };
  const perOutcome = new Map<RequestOutcome, PerOutcome>();

  return {
    registry,
    requests,
    requestDuration,
    generations,
    tokens,
    cost,
    upstreamErrors,
    inFlight,
    budgetLeft,
    role,
    /** Count one answered request and its duration. */
    request(outcome: RequestOutcome, status: number, seconds: number) {
      let o = perOutcome.get(outcome);
      if (!o) {
        o = { duration: requestDuration.labels({ outcome }), byStatus: new Map() };
        perOutcome.set(outcome, o);
      }
      let count = o.byStatus.get(status);
      if (!count) {
        count = requests.labels({ outcome, status: String(status) });
        o.byStatus.set(status, count);
      }
      count.inc();
      o.duration.observe(seconds);
    },
    /** Count one generation attempt with what it consumed and cost (failed ones too). */
    generation(model: string, outcome: string, usage: Usage, costUsd: number) {
      generations.inc({ model, outcome });
      const kinds: [TokenKind, number][] = [
        ["input", usage.inputTokens],
        ["output", usage.outputTokens],
        ["cache_write", usage.cacheWriteTokens],
        ["cache_read", usage.cacheReadTokens],
      ];
      for (const [kind, n] of kinds) tokens.inc({ model, kind }, n);
      cost.inc({ model }, costUsd);
    },
    /** Reads the role at every scrape: on LiteFS the primary can move at any time. */
    watchRole(current: () => RoleName) {
      role.collect(() => {
        const now = current();
        return (["primary", "replica"] as const).map((r) => ({
          labels: { role: r },
          value: r === now ? 1 : 0,
        }));
      });
    },
  };
}

export type RabbitholeMetrics = ReturnType<typeof createRabbitholeMetrics>;

export interface MetricsServer {
  /** The bound port (useful with port 0). */
  port: number;
  stop(): Promise<void>;
}

const EXPOSITION = "text/plain; version=0.0.4; charset=utf-8";

/** Serves GET /metrics on its own listener; everything else is 404 (405 for other methods). */
export function startMetricsServer(
  port: number,
  hostname: string,
  registry: Registry,
): MetricsServer {
  const server = Bun.serve({
    port,
    hostname,
    development: false,
    fetch(req) {
      const path = pathOf(req.url);
      if (path !== "/metrics") return text("Not found: metrics are at /metrics\n", 404);
      if (req.method !== "GET" && req.method !== "HEAD") {
        return new Response("Only GET\n", { status: 405, headers: { allow: "GET, HEAD" } });
      }
      const body = registry.expose();
      return new Response(req.method === "HEAD" ? null : body, {
        headers: { "content-type": EXPOSITION, "cache-control": "no-store" },
      });
    },
    error() {
      return text("metrics unavailable\n", 500);
    },
  });
  return {
    port: server.port ?? port,
    stop: () => server.stop(true),
  };
}

// Not `new URL(req.url)`: an HTTP/1.0 request without Host reaches the handler with a bare
// path for its url, which the URL constructor rejects.
function pathOf(url: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  const rest = authority ? url.slice(authority[0].length) : url;
  return rest.split(/[?#]/, 1)[0] || "/";
}

function text(body: string, status: number): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
