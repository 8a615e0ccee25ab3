// Prometheus metrics wired to a running app: request and generation counters come from the
// app's hooks, gauges are read at scrape time (in-flight, budget left, LiteFS role).

import { roleName } from "../core/role.ts";
import type { Generator } from "../generate/generator.ts";
import type { GenerationEvent } from "../generate/run.ts";
import {
  createRabbitholeMetrics,
  type RabbitholeMetrics,
  startMetricsServer,
} from "../ops/metrics.ts";
import type { Cluster } from "../store/litefs.ts";

export function generationMetrics(metrics: RabbitholeMetrics | undefined) {
  return (e: GenerationEvent) => {
    metrics?.generation(e.model, e.outcome, e.usage, e.costUsd);
    if (e.error) metrics?.upstreamErrors.inc({ kind: e.error.kind });
  };
}

export function createMetrics(port: number | null): RabbitholeMetrics | undefined {
  return port === null ? undefined : createRabbitholeMetrics();
}

/** Serves /metrics on its own port, so the public port never exposes it. */
export function serveMetrics(
  metrics: RabbitholeMetrics,
  app: { generator: Generator },
  cluster: Cluster,
  port: number,
  hostname: string,
) {
  metrics.inFlight.collect(() => app.generator.inFlight);
  metrics.budgetLeft.collect(() => app.generator.budget.leftUsd());
  metrics.watchRole(() => roleName(cluster.role()));
  return startMetricsServer(port, hostname, metrics.registry);
}
