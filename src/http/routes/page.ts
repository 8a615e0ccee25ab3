import type { AppDeps, ServerHooks } from "../../app/build.ts";
import type { Mapping } from "../../core/types.ts";
import { offeredDictionary } from "../../encoding/negotiate.ts";
import type { Flight, Generator } from "../../generate/generator.ts";
import type { RequestOutcome } from "../../ops/metrics.ts";
import { type Cluster, replayResponse } from "../../store/litefs.ts";
import type { Store } from "../../store/store.ts";
import { type AdmissionPolicy, admit, headRefusal } from "../guards/admission.ts";
import type { ClickAhead } from "../guards/click-ahead.ts";
import { peerIp } from "../guards/rate-limit.ts";
import { bestEncoding, type PageCache } from "../page-cache/page-cache.ts";
import { failureResponse } from "../respond/failure.ts";
import { htmlResponse } from "../respond/respond.ts";
import { loadingPage, notFoundPage } from "../views/status-pages.ts";

export interface PageContext {
  cluster: Cluster;
  store: Store;
  generator: Generator;
  config: AppDeps["config"];
  /** How long a click on a link not mapped yet may wait for the page that is writing it. */
  clickAheadMs: number;
  clickAhead: ClickAhead;
  clock: { now(): number };
  admission: AdmissionPolicy;
  /** Headers of every generated page (content type, caching, CSP), built once. */
  pageHeaders: Record<string, string>;
  pages: PageCache;
}

/** Filled in by the route so that the request's log line and metrics can say how it went. */
export interface RequestInfo {
  outcome: RequestOutcome;
}

/**
 * A page request: cached, being generated, to be generated, or unknown. A cached page is
 * answered synchronously: no promise on the path most requests take.
 */
export function servePage(
  ctx: PageContext,
  req: Request,
  key: string,
  info: RequestInfo,
  server?: ServerHooks,
  deadline?: number,
): Response | Promise<Response> {
  const cached = cachedPage(ctx, req, key);
  info.outcome = "hit";
  if (cached) return ctx.pages.send(cached, req.headers.get("if-none-match"));
  return serveUncached(ctx, req, key, info, server, deadline ?? ctx.clock.now() + ctx.clickAheadMs);
}

/** Not in the page cache: not written yet, or this replica must hand it to the primary. */
async function serveUncached(
  ctx: PageContext,
  req: Request,
  key: string,
  info: RequestInfo,
  server: ServerHooks | undefined,
  deadline: number,
): Promise<Response> {
  // Only the primary writes: a replica hands every miss to it, unknown keys included, since
  // the mapping may simply not have replicated yet.
  const role = ctx.cluster.role();
  info.outcome = "replayed";
  if (!role.primary) return replayResponse(req, role.host);

  const flight = ctx.generator.get(key) ?? null;
  const mapping = flight ? null : generatable(ctx, key);
  if (!flight && !mapping) {
    server?.timeout(req, 0);
    const ip = peerIp(req, server, ctx.admission.trustFly);
    if (await ctx.clickAhead.wait(req, key, ip, deadline)) {
      return servePage(ctx, req, key, info, server, deadline);
    }
    info.outcome = "not_found";
    return notFound(ctx, key);
  }
  // HEAD answers at once and never spends money on a page nobody has asked to read yet.
  if (req.method === "HEAD") {
    info.outcome = flight ? "joined" : "refused";
    return headOfUncached(ctx, req, flight, mapping);
  }
  // From here the response may wait on the gate's queue or the first token, either of which
  // can outlast Bun's idle timeout (10 s, checked in 4 s ticks) and reset the connection.
  server?.timeout(req, 0);
  const admitted = await admit(ctx.generator, ctx.admission, req, key, mapping, server);
  info.outcome = admitted.outcome;
  if ("response" in admitted) return admitted.response;
  if (ctx.config.loadingPage) return htmlResponse(loadingPage(key), 202);
  return liveResponse(ctx, req, admitted.flight);
}

/**
 * HEAD of a page not written yet: the status and headers GET would get from every check that
 * costs nothing (crawler, navigation, cool-down, a paused database, the budget); the rate
 * limit is not asked, since asking takes a token.
 */
function headOfUncached(
  ctx: PageContext,
  req: Request,
  flight: Flight | null,
  mapping: Mapping | null,
): Response {
  const refused = headRefusal(ctx.admission, req, flight !== null);
  if (refused) return refused;
  const blocked = !flight && mapping ? ctx.generator.wouldRefuse(mapping) : null;
  if (blocked) {
    const { refused: kind, ...rest } = blocked;
    return failureResponse(mapping?.key ?? "", { ok: false, kind, ...rest });
  }
  if (ctx.config.loadingPage)
    return htmlResponse(loadingPage(mapping?.key ?? flight?.key ?? ""), 202);
  return new Response(null, {
    headers: { ...ctx.pageHeaders, "cache-control": "no-store", "x-rabbithole": "live" },
  });
}

/** The cached page in the best encoding the client accepts, with the dictionary it holds. */
function cachedPage(ctx: PageContext, req: Request, key: string) {
  const headers = req.headers;
  const ae = headers.get("accept-encoding");
  // Only a client that accepts dcz can be offered a dictionary: most never read the header.
  const dict = ae?.includes("dcz")
    ? offeredDictionary(ae, headers.get("available-dictionary"))
    : null;
  return ctx.pages.get(key, bestEncoding(ae), dict);
}

/** The mapping of `key` if a page may be generated there: it was linked and is within depth. */
export function generatable(ctx: PageContext, key: string): Mapping | null {
  const m = ctx.store.getMapping(key);
  return m && m.depth <= ctx.config.depthLimit ? m : null;
}

function notFound(ctx: PageContext, key: string): Response {
  return htmlResponse(ctx.config.notFoundHtml ?? notFoundPage(key), 404);
}

/**
 * Streams the page as the model writes it. The status line waits for the first byte, so a
 * generation that fails before writing anything still gets its proper 503 page.
 */
async function liveResponse(ctx: PageContext, req: Request, f: Flight): Promise<Response> {
  await f.fanout.started;
  if (f.fanout.bytes === 0) {
    const r = await f.done;
    if (!r.ok) return failureResponse(f.key, r);
    const page = cachedPage(ctx, req, f.key);
    if (page) return ctx.pages.send(page, req.headers.get("if-none-match"));
  }
  const headers = { ...ctx.pageHeaders, "cache-control": "no-store", "x-rabbithole": "live" };
  return new Response(f.fanout.reader(), { headers });
}
