// The composition root: the one place that builds a whole rabbithole from its configuration and
// the outside world (a store, an LLM client, a logger). `serve` (app/server.ts) and the tests
// (test/fixtures/site.ts) both build the app here; nothing below decides a default.

import type { Config } from "../config/config.ts";
import { type Clock, systemClock } from "../core/clock.ts";
import type { LlmClient, Logger } from "../core/types.ts";
import { DICTIONARY_CACHE_CONTROL, USE_AS_DICTIONARY } from "../encoding/negotiate.ts";
import { createGenerator, type GeneratorOptions } from "../generate/generator.ts";
import { createClickAhead } from "../http/guards/click-ahead.ts";
import { createGate } from "../http/guards/gate.ts";
import { createRateLimiter } from "../http/guards/rate-limit.ts";
import { createPageCache } from "../http/page-cache/page-cache.ts";
import { pageHeaders } from "../http/respond/page-headers.ts";
import { createAdmin } from "../http/routes/admin/admin.ts";
import type { RouteContext } from "../http/routes/context.ts";
import { createFetch } from "../http/routes/dispatch.ts";
import { createRobotsRoute } from "../http/routes/robots.ts";
import { streamFailureNotice } from "../http/views/notice.ts";
import type { Price } from "../llm/prices.ts";
import type { RabbitholeMetrics } from "../ops/metrics.ts";
import { type Cluster, standalone } from "../store/litefs.ts";
import type { Store } from "../store/store.ts";
import { generationMetrics } from "./observability.ts";

/** What of the configuration the running app reads (server.ts hands it the whole Config). */
export type AppConfig = Pick<
  Config,
  "depthLimit" | "maxTokens" | "maxCostUsd" | "loadingPage" | "memory" | "notFoundHtml"
> & {
  ops: Pick<
    Config["ops"],
    | "botPolicy"
    | "robotsTxt"
    | "ratePerMinute"
    | "rateBurst"
    | "maxConcurrent"
    | "queue"
    | "csp"
    | "adminToken"
    | "behindFly"
    | "cacheMb"
  >;
};

export interface AppDeps {
  config: AppConfig;
  store: Store;
  llm: LlmClient;
  /** Prices of `llm.model`; null when the client is free or its prices are unknown. */
  price: Price | null;
  logger: Logger;
  /** Who may write (LiteFS); a standalone primary by default. */
  cluster?: Cluster;
  clock?: Clock;
  /** Counts requests and generations (--metrics-port). */
  metrics?: RabbitholeMetrics;
  /** Waits that are constants in production, shortened by tests. */
  timing?: Pick<GeneratorOptions, "authCooldownMs" | "failureCooldownMs"> & {
    /** Bound on waiting for a page that links to an unmapped key (default 60 s). */
    clickAheadMs?: number;
  };
}

export type App = ReturnType<typeof buildApp>;

export function buildApp(deps: AppDeps) {
  const { config, logger, metrics } = deps;
  const ops = config.ops;
  const clock = deps.clock ?? systemClock;
  const cluster = deps.cluster ?? standalone;
  const generator = createGenerator({
    store: deps.store,
    llm: deps.llm,
    clock,
    logger,
    depthLimit: config.depthLimit,
    maxTokens: config.maxTokens,
    memory: config.memory,
    maxCostUsd: config.maxCostUsd,
    price: deps.price,
    failureNotice: streamFailureNotice,
    onGeneration: metrics ? generationMetrics(metrics) : undefined,
    authCooldownMs: deps.timing?.authCooldownMs,
    failureCooldownMs: deps.timing?.failureCooldownMs,
  });
  const headers = pageHeaders(ops.csp);
  const pages = createPageCache({
    store: deps.store,
    maxBytes: ops.cacheMb * 2 ** 20,
    headers,
    homeHeaders: {
      ...headers,
      "cache-control": DICTIONARY_CACHE_CONTROL,
      "use-as-dictionary": USE_AS_DICTIONARY,
    },
  });
  pages.watch();
  // Purges and rollbacks from this process (the admin view) leave memory at once; others
  // within a poll.
  const store: Store = {
    ...deps.store,
    purge(keys) {
      const purged = deps.store.purge(keys);
      for (const key of purged) pages.evict(key);
      for (const key of keys) generator.forgetFailure(key);
      return purged;
    },
    restoreVersion(key, id, etag, copies) {
      const restored = deps.store.restoreVersion(key, id, etag, copies);
      pages.evict(key);
      return restored;
    },
  };
  const ctx: RouteContext = {
    store: deps.store,
    generator,
    pages,
    clock,
    cluster,
    // A linking page takes under a minute to write (bench: live pages); long enough for it.
    clickAheadMs: deps.timing?.clickAheadMs ?? 60_000,
    clickAhead: createClickAhead(generator, clock),
    admission: {
      botPolicy: ops.botPolicy,
      trustFly: ops.behindFly,
      limiter:
        ops.ratePerMinute > 0
          ? createRateLimiter({ perMinute: ops.ratePerMinute, burst: ops.rateBurst, clock })
          : null,
      gate:
        ops.maxConcurrent > 0
          ? createGate({ max: ops.maxConcurrent, queue: ops.queue, queueTimeoutMs: 10_000 })
          : null,
    },
    pageHeaders: headers,
    depthLimit: config.depthLimit,
    loadingPage: config.loadingPage,
    notFoundHtml: config.notFoundHtml,
  };
  const admin = ops.adminToken
    ? createAdmin({
        token: ops.adminToken,
        store,
        generator,
        maxCostUsd: config.maxCostUsd,
        cluster,
        clock,
        logger,
      })
    : null;
  const fetch = createFetch({
    ctx,
    admin,
    botPolicy: ops.botPolicy,
    robots: createRobotsRoute(deps.store, ops.botPolicy, ops.robotsTxt),
    logger,
    metrics,
  });
  return {
    /** A Response when it is ready at once (a cached page), else a promise of one. */
    fetch,
    /** What the routes share, as built here (tests of one route start from it). */
    ctx,
    generator,
    pages,
    /** Stops the purge poll and frees the page memory (the store is the caller's to close). */
    close: () => pages.close(),
  };
}
