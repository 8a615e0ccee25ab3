import type { Config } from "../config/config.ts";
import type { OpsConfig } from "../config/ops.ts";
import { normalizeKey } from "../core/keys.ts";
import type { Clock, LlmClient, Logger } from "../core/types.ts";
import { DICTIONARY_CACHE_CONTROL, USE_AS_DICTIONARY } from "../encoding/negotiate.ts";
import { createGenerator, type GeneratorOptions } from "../generate/generator.ts";
import { botForbiddenResponse, isBot, robotsResponse, robotsTxt } from "../http/guards/bots.ts";
import { createClickAhead } from "../http/guards/click-ahead.ts";
import { createGate, createRateLimiter, type PeerInfo, peerIp } from "../http/guards/rate-limit.ts";
import { createPageCache } from "../http/page-cache/page-cache.ts";
import { observe } from "../http/respond/access.ts";
import { errorResponse } from "../http/respond/errors.ts";
import { htmlResponse, rawPath, withoutBody } from "../http/respond/respond.ts";
import { createAdmin, GENERATED_PAGE_SANDBOX } from "../http/routes/admin/admin.ts";
import { type PageContext, type RequestInfo, servePage } from "../http/routes/page.ts";
import { serveSystem } from "../http/routes/system.ts";
import { streamFailureNotice } from "../http/views/notice.ts";
import { methodNotAllowedPage } from "../http/views/status-pages.ts";
import type { Price } from "../llm/prices.ts";
import type { RabbitholeMetrics } from "../ops/metrics.ts";
import { type Cluster, standalone } from "../store/litefs.ts";
import type { Store } from "../store/store.ts";

export { errorResponse } from "../http/respond/errors.ts";

/** The public-facing policies; absent ones default to a private test server's (no limits). */
export type AppOps = Pick<
  OpsConfig,
  "botPolicy" | "robotsTxt" | "ratePerMinute" | "rateBurst" | "maxConcurrent" | "queue" | "csp"
> & { behindFly: boolean };

export interface AppDeps {
  store: Store;
  llm: LlmClient;
  price: Price | null;
  config: Pick<Config, "depthLimit" | "maxTokens" | "maxCostUsd" | "loadingPage" | "notFoundHtml">;
  clock?: Clock;
  logger: Logger;
  /** Bound on waiting for a page that links to an unmapped key (default 60 s). */
  clickAheadMs?: number;
  /** Who may write (LiteFS); a standalone primary by default. */
  cluster?: Cluster;
  /** Generator options beyond the config: the auth cooldown, a generation listener. */
  generation?: Pick<GeneratorOptions, "authCooldownMs" | "onGeneration" | "failureCooldownMs">;
  ops?: Partial<AppOps>;
  metrics?: RabbitholeMetrics;
  /** RABBITHOLE_ADMIN_TOKEN: turns on the admin view under /__admin for its holders. */
  adminToken?: string | null;
  /** Memory for cached pages ready to send, in MiB (default 32). */
  cacheMb?: number;
}

/** What Bun.serve hands the fetch handler: lifting the idle timeout, the client's address. */
export interface ServerHooks extends PeerInfo {
  timeout(req: Request, seconds: number): void;
}

export type App = ReturnType<typeof createApp>;

export function createApp(deps: AppDeps) {
  const clock = deps.clock ?? { now: Date.now };
  const ops = deps.ops ?? {};
  const generator = createGenerator({
    store: deps.store,
    llm: deps.llm,
    clock,
    logger: deps.logger,
    depthLimit: deps.config.depthLimit,
    maxTokens: deps.config.maxTokens,
    maxCostUsd: deps.config.maxCostUsd,
    price: deps.price,
    failureNotice: streamFailureNotice,
    ...deps.generation,
  });
  const botPolicy = ops.botPolicy ?? "allow";
  const headers = pageHeaders(ops.csp ?? null);
  const pages = createPageCache({
    store: deps.store,
    maxBytes: (deps.cacheMb ?? 32) * 2 ** 20,
    headers,
    homeHeaders: {
      ...headers,
      "cache-control": DICTIONARY_CACHE_CONTROL,
      "use-as-dictionary": USE_AS_DICTIONARY,
    },
  });
  pages.watch();
  // Purges from this process (the admin view) leave memory at once; others within a poll.
  const store: Store = {
    ...deps.store,
    purge(keys) {
      const purged = deps.store.purge(keys);
      for (const key of purged) pages.evict(key);
      for (const key of keys) generator.forgetFailure(key);
      return purged;
    },
  };
  const ctx: PageContext & { logger: Logger } = {
    store: deps.store,
    config: deps.config,
    logger: deps.logger,
    clock,
    generator,
    // A linking page takes under a minute to write (bench: live pages); long enough for it.
    clickAheadMs: deps.clickAheadMs ?? 60_000,
    clickAhead: createClickAhead(generator, clock),
    cluster: deps.cluster ?? standalone,
    admission: {
      botPolicy,
      trustFly: ops.behindFly ?? false,
      limiter: ops.ratePerMinute
        ? createRateLimiter({ perMinute: ops.ratePerMinute, burst: ops.rateBurst ?? 1, clock })
        : null,
      gate: ops.maxConcurrent
        ? createGate({ max: ops.maxConcurrent, queue: ops.queue ?? 0, queueTimeoutMs: 10_000 })
        : null,
    },
    pageHeaders: headers,
    pages,
  };
  const cluster = ctx.cluster;
  const admin = deps.adminToken
    ? createAdmin({
        ...deps,
        store,
        token: deps.adminToken,
        generator,
        cluster,
        clock,
        ...deps.config,
      })
    : null;

  // Not async: a cached page is answered synchronously, and Bun.serve sends a Response returned
  // as such sooner than one wrapped in a promise.
  function handle(
    req: Request,
    path: string,
    info: RequestInfo,
    server?: ServerHooks,
  ): Response | Promise<Response> {
    if (admin && (path === "/__admin" || path.startsWith("/__admin/"))) {
      const ip = peerIp(req, server, ctx.admission.trustFly);
      return admin(req, path, ip);
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return htmlResponse(methodNotAllowedPage(), 405, { allow: "GET, HEAD" });
    }
    if (botPolicy === "deny" && path !== "/robots.txt" && path !== "/__health") {
      if (isBot(req.headers.get("user-agent"))) {
        info.outcome = "refused";
        return botForbiddenResponse();
      }
    }
    // Before any page lookup: the model may well have written a page called robots.txt.
    if (path === "/robots.txt") return robots();
    if (path.startsWith("/__")) return serveSystem(ctx, req, path);
    return servePage(ctx, req, normalizeKey(path), info, server);
  }

  function failed(err: unknown, info: RequestInfo): Response {
    info.outcome = "error";
    return errorResponse(err, deps.logger);
  }

  /** Logs and counts the request, and drops the body of a HEAD. */
  function finish(
    req: Request,
    path: string,
    info: RequestInfo,
    started: number,
    res: Response,
  ): Response | Promise<Response> {
    observe(deps.logger, deps.metrics, req, path, res, info.outcome, performance.now() - started);
    return req.method === "HEAD" && res.body ? withoutBody(res) : res;
  }

  // Built when the written pages change, never per request: rebuilding on every request was a
  // table scan of HTML and compressed copies (~170 ms at 30,000 pages; bench/robots.ts).
  // Kept as bytes (a Blob is sent without a copy): up to 450 KB, not re-encoded per request.
  let robotsCache: { version: string; body: Blob } | null = null;
  function robots(): Response {
    const custom = ops.robotsTxt ?? null;
    const fixed = botPolicy !== "cached" || custom !== null;
    const version = fixed ? "fixed" : deps.store.pagesVersion();
    if (robotsCache?.version !== version) {
      const pages = fixed ? undefined : deps.store.pageKeysByDepth();
      const text = robotsTxt({ custom, policy: botPolicy, pages });
      robotsCache = { version, body: new Blob([text]) };
    }
    return robotsResponse(robotsCache.body);
  }

  return {
    /** A Response when it is ready at once (a cached page), else a promise of one. */
    fetch(req: Request, server?: ServerHooks): Response | Promise<Response> {
      const started = performance.now();
      const info: RequestInfo = { outcome: "system" };
      const path = rawPath(req.url);
      let res: Response | Promise<Response>;
      try {
        res = handle(req, path, info, server);
      } catch (err) {
        res = failed(err, info);
      }
      // No closure for the answer that is ready: only waiting ones need one.
      if (res instanceof Response) return finish(req, path, info, started, res);
      return res.then(
        (r) => finish(req, path, info, started, r),
        (err) => finish(req, path, info, started, failed(err, info)),
      );
    },
    generator,
    pages,
    /** Stops the purge poll and frees the page memory (the store is the caller's to close). */
    close: () => pages.close(),
  };
}

/**
 * The headers of every generated page, built once. Generated pages always run sandboxed in an
 * opaque origin: their scripts could otherwise use the operator's admin session. Always, not
 * only while the admin view is on: a tab opened before the operator turned it on keeps running
 * in the site's origin and could take over the session once the operator signs in (issue 12).
 * Two policies in one header (comma-separated) are both enforced.
 */
function pageHeaders(csp: string | null): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-cache",
    "content-security-policy": csp ? `${csp}, ${GENERATED_PAGE_SANDBOX}` : GENERATED_PAGE_SANDBOX,
  };
}
