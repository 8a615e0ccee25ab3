import { type Cluster, standalone } from "../cluster.ts";
import type { Config } from "../config.ts";
import { HttpError } from "../errors.ts";
import { createGenerator, type GeneratorOptions } from "../generate/generator.ts";
import { normalizeKey } from "../keys.ts";
import type { Price } from "../llm/prices.ts";
import type { Store } from "../store/store.ts";
import type { Clock, LlmClient, Logger } from "../types.ts";
import { streamFailureNotice } from "./notice.ts";
import { servePage } from "./page-route.ts";
import { errorPage, methodNotAllowedPage } from "./pages.ts";
import { htmlResponse, rawPath, withoutBody } from "./respond.ts";
import { serveSystem } from "./system.ts";

export interface AppDeps {
  store: Store;
  llm: LlmClient;
  price: Price | null;
  config: Pick<Config, "depthLimit" | "maxTokens" | "maxCostUsd" | "loadingPage" | "notFoundHtml">;
  clock?: Clock;
  logger: Logger;
  /** Bound on waiting for a page that links to an unmapped key (default 120 s). */
  clickAheadMs?: number;
  /** Who may write (LiteFS); a standalone primary by default. */
  cluster?: Cluster;
  /** Generator options beyond the config: the auth cooldown, a generation listener. */
  generation?: Pick<GeneratorOptions, "authCooldownMs" | "onGeneration">;
}

/** What Bun.serve hands the fetch handler that the app uses: lifting the idle timeout. */
export interface ServerHooks {
  timeout(req: Request, seconds: number): void;
}

export type App = ReturnType<typeof createApp>;

export function createApp(deps: AppDeps) {
  const clock = deps.clock ?? { now: Date.now };
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
  const ctx = {
    ...deps,
    clock,
    generator,
    clickAheadMs: deps.clickAheadMs ?? 120_000,
    cluster: deps.cluster ?? standalone,
  };

  async function handle(req: Request, server?: ServerHooks): Promise<Response> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return htmlResponse(methodNotAllowedPage(), 405, { allow: "GET, HEAD" });
    }
    const path = rawPath(req.url);
    if (path.startsWith("/__")) return serveSystem(ctx, req, path);
    const key = normalizeKey(path);
    return servePage(ctx, req, key, server);
  }

  return {
    async fetch(req: Request, server?: ServerHooks): Promise<Response> {
      let res: Response;
      try {
        res = await handle(req, server);
      } catch (err) {
        res = errorResponse(err, deps.logger);
      }
      return req.method === "HEAD" && res.body ? withoutBody(res) : res;
    },
    generator,
  };
}

/** The one place errors become responses: exposed messages for 4xx, a plain page for the rest. */
export function errorResponse(err: unknown, logger: Logger): Response {
  if (err instanceof HttpError) {
    const message = err.expose ? err.message : "Something went wrong on our side.";
    return htmlResponse(
      errorPage(err.status, titleOf(err.status), message),
      err.status,
      err.headers,
    );
  }
  logger.error("unhandled error", { error: err instanceof Error ? err.stack : String(err) });
  return htmlResponse(errorPage(500, titleOf(500), "Something went wrong on our side."), 500);
}

function titleOf(status: number): string {
  const titles: Record<number, string> = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    414: "Address too long",
    500: "Server error",
    503: "Unavailable",
  };
  return titles[status] ?? `Error ${status}`;
}
