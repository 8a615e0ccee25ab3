import { type Cluster, replayResponse } from "../cluster.ts";
import {
  type Flight,
  type FlightResult,
  type Generator,
  isRefusal,
} from "../generate/generator.ts";
import type { Store } from "../store/store.ts";
import type { CachedPage, Mapping } from "../types.ts";
import type { AppDeps, ServerHooks } from "./app.ts";
import { budgetPage, failurePage, loadingPage, notFoundPage, refusalPage } from "./pages.ts";
import { htmlResponse } from "./respond.ts";

export interface PageContext {
  cluster: Cluster;
  store: Store;
  generator: Generator;
  config: AppDeps["config"];
  /** How long a click on a link not mapped yet may wait for the page that is writing it. */
  clickAheadMs: number;
  clock: { now(): number };
}

/** A page request: cached, being generated, to be generated, or unknown. */
export async function servePage(
  ctx: PageContext,
  req: Request,
  key: string,
  server?: ServerHooks,
  deadline = ctx.clock.now() + ctx.clickAheadMs,
): Promise<Response> {
  const cached = ctx.store.getPage(key);
  if (cached) return cachedResponse(req, cached);
  // Only the primary writes: a replica hands every miss to it, unknown keys included, since
  // the mapping may simply not have replicated yet.
  const role = ctx.cluster.role();
  if (!role.primary) return replayResponse(req, role.host);

  const flight = ctx.generator.get(key) ?? null;
  const mapping = flight ? null : generatable(ctx, key);
  if (!flight && !mapping) {
    server?.timeout(req, 0);
    if (await linkWritten(ctx, key, deadline)) return servePage(ctx, req, key, server, deadline);
    return notFound(ctx, key);
  }
  // HEAD answers at once and never spends money on a page nobody has asked to read yet.
  if (req.method === "HEAD") return htmlResponse(null, 200);

  const f = flight ?? ctx.generator.start(mapping as Mapping);
  if (isRefusal(f)) return failureResponse(key, { ok: false, kind: f.refused, reason: f.reason });
  if (ctx.config.loadingPage) return htmlResponse(loadingPage(key), 202);
  return liveResponse(ctx, req, f, server);
}

/** The mapping of `key` if a page may be generated there: it was linked and is within depth. */
export function generatable(ctx: PageContext, key: string): Mapping | null {
  const m = ctx.store.getMapping(key);
  return m && m.depth <= ctx.config.depthLimit ? m : null;
}

/**
 * A live page shows its links before its mappings exist, so a visitor can click one that is not
 * mapped yet. When a page being written already links to `key`, wait (bounded) for it to finish;
 * true when it did, and the request should be decided again.
 */
async function linkWritten(ctx: PageContext, key: string, deadline: number): Promise<boolean> {
  const name = key.slice(key.lastIndexOf("/", key.length - 2) + 1) || key;
  const linking = ctx.generator.linkingTo(name);
  const left = deadline - ctx.clock.now();
  if (linking.length === 0 || left <= 0) return false;
  let timer: Timer | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), left);
  });
  const finished = Promise.race(linking.map((f) => f.done.then(() => true as const)));
  try {
    return await Promise.race([finished, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function cachedResponse(req: Request, page: CachedPage): Response {
  const headers = {
    etag: page.etag,
    "cache-control": "no-cache",
  };
  if (req.headers.get("if-none-match") === page.etag) {
    return new Response(null, { status: 304, headers });
  }
  return htmlResponse(page.html, 200, headers);
}

function notFound(ctx: PageContext, key: string): Response {
  return htmlResponse(ctx.config.notFoundHtml ?? notFoundPage(key), 404);
}

export function budgetResponse(): Response {
  return htmlResponse(budgetPage(), 503, { "retry-after": "3600" });
}

export function failureResponse(key: string, r: Exclude<FlightResult, { ok: true }>): Response {
  if (r.kind === "budget") return budgetResponse();
  const page = r.kind === "refusal" ? refusalPage(key) : failurePage(key, r.reason);
  return htmlResponse(page, 503, { "retry-after": "5" });
}

/**
 * Streams the page as the model writes it. The status line waits for the first byte, so a
 * generation that fails before writing anything still gets its proper 503 page.
 */
async function liveResponse(
  ctx: PageContext,
  req: Request,
  f: Flight,
  server?: ServerHooks,
): Promise<Response> {
  // The wait before the first token can exceed Bun's idle timeout.
  server?.timeout(req, 0);
  await f.fanout.started;
  if (f.fanout.bytes === 0) {
    const r = await f.done;
    if (!r.ok) return failureResponse(f.key, r);
    const page = ctx.store.getPage(f.key);
    if (page) return cachedResponse(req, page);
  }
  return htmlResponse(f.fanout.reader(), 200, { "x-rabbithole": "live" });
}
