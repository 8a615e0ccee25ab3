import { HttpError } from "../../core/errors.ts";
import { normalizeKey } from "../../core/keys.ts";
import { roleName } from "../../core/role.ts";
import { isRefusedBot } from "../guards/admission.ts";
import { replayResponse } from "../respond/replay.ts";
import { jsonResponse } from "../respond/respond.ts";
import type { RouteContext } from "./context.ts";
import { generatable } from "./page.ts";

/** Routes under `/__`: never generated, never cached, cheap. */
export async function serveSystem(
  ctx: RouteContext,
  req: Request,
  path: string,
): Promise<Response> {
  switch (path) {
    case "/__health":
      // No write and no LLM call: a load balancer may ask every few seconds.
      return jsonResponse({
        status: "ok",
        role: roleName(ctx.cluster.role()),
        inFlight: ctx.generator.inFlight,
        // Cached pages are still served (200), but an operator's check should see this.
        ...(ctx.generator.unrecordedUsd() > 0
          ? { writes: "refused", unrecordedUsd: ctx.generator.unrecordedUsd() }
          : {}),
      });
    case "/__ready":
      // A JSON endpoint answers bad input in JSON too: its callers are scripts and pollers.
      return ready(ctx, req).catch((err: unknown) => {
        if (!(err instanceof HttpError) || !err.expose) throw err;
        return jsonResponse({ state: "invalid", error: err.message }, err.status, err.headers);
      });
    default:
      throw new HttpError(404, "There is no such system page.");
  }
}

async function ready(ctx: RouteContext, req: Request): Promise<Response> {
  // Not `new URL(req.url)`: with a missing or odd Host, Bun hands over a URL it cannot parse.
  const q = req.url.indexOf("?");
  const url = q === -1 ? null : new URLSearchParams(req.url.slice(q + 1)).get("url");
  if (!url) {
    throw new HttpError(400, "The url parameter is required, e.g. /__ready?url=/about.html");
  }
  const key = normalizeKey(url);
  if (ctx.pages.has(key)) return jsonResponse({ state: "ready" });
  const role = ctx.cluster.role();
  if (!role.primary) return replayResponse(req, role.host);
  if (ctx.generator.get(key)) return jsonResponse({ state: "generating" }, 202);
  const failure = ctx.generator.lastFailure(key);
  if (failure) {
    // A page cooling down after a failure says how long, like its failure page.
    const until = ctx.generator.coolingUntil(key);
    const wait = until === null ? null : Math.max(1, Math.ceil((until - ctx.clock.now()) / 1000));
    const headers = wait === null ? retryAfter(failure.kind) : { "retry-after": String(wait) };
    return jsonResponse({ state: failure.kind }, 503, headers);
  }
  const mapping = generatable(ctx, key);
  if (!mapping) return jsonResponse({ state: "unknown" }, 404);
  // Linked but not started (say the server restarted mid-generation). A poll never starts a
  // page: any site can make a browser poll (an <img> pointed here started paid pages, issue
  // 12). The loading page answers "pending" by reloading itself: that navigation starts it.
  // A crawler's GET would be refused: so is its poll, the same way.
  if (isRefusedBot(ctx.admission, req)) {
    return jsonResponse({ state: "refused" }, 503, { "retry-after": "86400" });
  }
  return jsonResponse({ state: "pending" }, 202);
}

function retryAfter(kind: string): Record<string, string> {
  return { "retry-after": kind === "budget" ? "3600" : "5" };
}
