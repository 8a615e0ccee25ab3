// Every request's way in: the admin view, the method check, crawlers under `deny`, robots.txt,
// the system routes, then pages. It makes the request's one Visit and writes its access line.

import type { BotPolicy } from "../../config/bot-policy.ts";
import { normalizeKey } from "../../core/keys.ts";
import type { Logger } from "../../core/types.ts";
import type { RabbitholeMetrics } from "../../ops/metrics.ts";
import { botAccess, botForbiddenResponse, isBot } from "../guards/bots.ts";
import { clientIp } from "../guards/client-ip.ts";
import { observe } from "../respond/access.ts";
import { errorResponse } from "../respond/errors.ts";
import { htmlResponse, rawPath, withoutBody } from "../respond/respond.ts";
import type { ServerHooks, Visit } from "../respond/visit.ts";
import { methodNotAllowedPage } from "../views/status-pages.ts";
import type { AdminHandler } from "./admin/admin.ts";
import type { RouteContext } from "./context.ts";
import { servePage } from "./page.ts";
import { serveSystem } from "./system.ts";

export interface Routes {
  ctx: RouteContext;
  botPolicy: BotPolicy;
  robots: () => Response;
  /** Null while no admin token is set. */
  admin: AdminHandler | null;
  logger: Logger;
  metrics: RabbitholeMetrics | undefined;
}

/** The fetch handler: a Response when it is ready at once (a cached page), else a promise. */
export function createFetch(routes: Routes) {
  const { ctx, admin, botPolicy, logger, metrics } = routes;
  const denyBots = botPolicy === "deny";

  // Not async: a cached page is answered synchronously, and Bun.serve sends a Response returned
  // as such sooner than one wrapped in a promise.
  function handle(visit: Visit): Response | Promise<Response> {
    const { req, path } = visit;
    if (admin && (path === "/__admin" || path.startsWith("/__admin/"))) {
      return admin(req, path, clientIp(req, visit.server, ctx.admission.trustFly));
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return htmlResponse(methodNotAllowedPage(), 405, { allow: "GET, HEAD" });
    }
    if (denyBots && botAccess(botPolicy, path) === "none") {
      if (isBot(req.headers.get("user-agent"))) {
        visit.outcome = "refused";
        return botForbiddenResponse();
      }
    }
    // Before any page lookup: the model may well have written a page called robots.txt.
    if (path === "/robots.txt") return routes.robots();
    if (path.startsWith("/__")) return serveSystem(ctx, req, path);
    return servePage(ctx, visit, normalizeKey(path));
  }

  function failed(err: unknown, visit: Visit): Response {
    visit.outcome = "error";
    return errorResponse(err, logger);
  }

  /** Logs and counts the request, and drops the body of a HEAD. */
  function finish(visit: Visit, res: Response): Response | Promise<Response> {
    observe(logger, metrics, visit, res, performance.now() - visit.started);
    return visit.req.method === "HEAD" && res.body ? withoutBody(res) : res;
  }

  return function fetch(req: Request, server?: ServerHooks): Response | Promise<Response> {
    const started = performance.now();
    const visit: Visit = { req, path: rawPath(req.url), server, started, outcome: "system" };
    let res: Response | Promise<Response>;
    try {
      res = handle(visit);
    } catch (err) {
      res = failed(err, visit);
    }
    // No closure for the answer that is ready: only waiting ones need one.
    if (res instanceof Response) return finish(visit, res);
    return res.then(
      (r) => finish(visit, r),
      (err) => finish(visit, failed(err, visit)),
    );
  };
}
