// A page request: cached, being generated, to be generated, or unknown.

import type { Mapping } from "../../core/types.ts";
import { bestEncoding, offeredDictionary } from "../../encoding/negotiate.ts";
import type { Flight } from "../../generate/generator.ts";
import { admit, headRefusal } from "../guards/admission.ts";
import { clientIp } from "../guards/client-ip.ts";
import { failureResponse } from "../respond/failure.ts";
import { replayResponse } from "../respond/replay.ts";
import { htmlResponse } from "../respond/respond.ts";
import type { Visit } from "../respond/visit.ts";
import { loadingPage } from "../views/loading-page.ts";
import { notFoundPage } from "../views/status-pages.ts";
import type { RouteContext } from "./context.ts";

/**
 * The page of `key`. A cached page is answered synchronously: no promise on the path most
 * requests take. `deadline` bounds a click-ahead wait across the re-decisions it causes.
 */
export function servePage(
  ctx: RouteContext,
  visit: Visit,
  key: string,
  deadline?: number,
): Response | Promise<Response> {
  const cached = cachedPage(ctx, visit.req, key);
  if (cached) {
    visit.outcome = "hit";
    return ctx.pages.send(cached, visit.req.headers.get("if-none-match"));
  }
  return serveUncached(ctx, visit, key, deadline ?? ctx.clock.now() + ctx.clickAheadMs);
}

/** Not in the page cache: not written yet, or this replica must hand it to the primary. */
async function serveUncached(
  ctx: RouteContext,
  visit: Visit,
  key: string,
  deadline: number,
): Promise<Response> {
  const { req, server } = visit;
  // Only the primary writes: a replica hands every miss to it, unknown keys included, since
  // the mapping may simply not have replicated yet.
  const role = ctx.cluster.role();
  if (!role.primary) {
    visit.outcome = "replayed";
    return replayResponse(req, role.host);
  }

  const flight = ctx.generator.get(key) ?? null;
  const mapping = flight ? null : generatable(ctx, key);
  if (!flight && !mapping) {
    server?.timeout(req, 0);
    const ip = clientIp(req, server, ctx.admission.trustFly);
    if (await ctx.clickAhead.wait(req, key, ip, deadline)) {
      return servePage(ctx, visit, key, deadline);
    }
    visit.outcome = "not_found";
    return htmlResponse(ctx.notFoundHtml ?? notFoundPage(key), 404);
  }
  // HEAD answers at once and never spends money on a page nobody has asked to read yet.
  if (req.method === "HEAD") {
    visit.outcome = flight ? "joined" : "refused";
    return headOfUncached(ctx, req, flight, mapping);
  }
  // From here the response may wait on the gate's queue or the first token, either of which
  // can outlast Bun's idle timeout (10 s, checked in 4 s ticks) and reset the connection.
  server?.timeout(req, 0);
  const admitted = await admit(ctx.generator, ctx.admission, req, key, mapping, server);
  visit.outcome = admitted.outcome;
  if ("response" in admitted) return admitted.response;
  if (ctx.loadingPage) return htmlResponse(loadingPage(key), 202);
  return liveResponse(ctx, req, admitted.flight);
}

/**
 * HEAD of a page not written yet: the status and headers GET would get from every check that
 * costs nothing (crawler, navigation, cool-down, a paused database, the budget); the rate
 * limit is not asked, since asking takes a token.
 */
function headOfUncached(
  ctx: RouteContext,
  req: Request,
  flight: Flight | null,
  mapping: Mapping | null,
): Response {
  const refused = headRefusal(ctx.admission, req, flight !== null);
  if (refused) return refused;
  const blocked = !flight && mapping ? ctx.generator.wouldRefuse(mapping) : null;
  if (blocked) return failureResponse(mapping?.key ?? "", blocked);
  if (ctx.loadingPage) return htmlResponse(loadingPage(mapping?.key ?? flight?.key ?? ""), 202);
  return new Response(null, {
    headers: { ...ctx.pageHeaders, "cache-control": "no-store", "x-rabbithole": "live" },
  });
}

/** The cached page in the best encoding the client accepts, with the dictionary it holds. */
function cachedPage(ctx: RouteContext, req: Request, key: string) {
  const headers = req.headers;
  const ae = headers.get("accept-encoding");
  // Only a client that accepts dcz can be offered a dictionary: most never read the header.
  const dict = ae?.includes("dcz")
    ? offeredDictionary(ae, headers.get("available-dictionary"))
    : null;
  return ctx.pages.get(key, bestEncoding(ae), dict);
}

/** The mapping of `key` if a page may be generated there: it was linked and is within depth. */
export function generatable(ctx: RouteContext, key: string): Mapping | null {
  const m = ctx.store.getMapping(key);
  return m && m.depth <= ctx.depthLimit ? m : null;
}

/**
 * Streams the page as the model writes it. The status line waits for the first byte, so a
 * generation that fails before writing anything still gets its proper 503 page.
 */
async function liveResponse(ctx: RouteContext, req: Request, f: Flight): Promise<Response> {
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
