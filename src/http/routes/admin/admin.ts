// The admin view at /__admin: off unless RABBITHOLE_ADMIN_TOKEN is set, and then only for a
// holder of the token. The app hands it every /__admin path, whatever the method.

import type { Clock } from "../../../core/clock.ts";
import { HttpError } from "../../../core/errors.ts";
import { normalizeKey } from "../../../core/keys.ts";
import type { Logger } from "../../../core/types.ts";
import type { Generator } from "../../../generate/generator.ts";
import type { Cluster } from "../../../store/litefs.ts";
import type { Store } from "../../../store/store.ts";
import { dashboard } from "../../views/admin/dashboard.ts";
import { flashFrom, loginPage } from "../../views/admin/login.ts";
import { versionsPage } from "../../views/admin/versions.ts";
import { type ActionName, runAction } from "./actions.ts";
import { crossSite, readForm } from "./guard.ts";
import { htmlPage, json, problem, secured, seeOther, unauthorized } from "./respond.ts";
import {
  type Auth,
  bearerToken,
  COOKIE,
  createSessions,
  readCookie,
  type Sessions,
  sessionCookie,
} from "./session.ts";
import { createSignInThrottle, type SignInThrottle } from "./throttle.ts";

export interface AdminDeps {
  /** RABBITHOLE_ADMIN_TOKEN; null (or "") turns the admin off: every /__admin path is 404. */
  token: string | null;
  store: Store;
  generator: Generator;
  maxCostUsd: number | null;
  cluster: Cluster;
  clock: Clock;
  logger: Logger;
}

const ACTIONS: Record<string, ActionName> = {
  "/__admin/purge": "purge",
  "/__admin/regenerate": "regenerate",
  "/__admin/rollback": "rollback",
};

/** The client's address as the app resolved it (socket, or Fly-Client-IP behind Fly). */
export type AdminHandler = (req: Request, path: string, ip?: string) => Promise<Response>;

export function createAdmin(deps: AdminDeps): AdminHandler {
  // An empty token (RABBITHOLE_ADMIN_TOKEN= in an env file) means off, never "anyone".
  const sessions = deps.token ? createSessions(deps.token) : null;
  const throttle = createSignInThrottle(deps.clock, deps.logger);
  return async (req, path, ip = "unknown") => {
    let res: Response;
    try {
      res = sessions
        ? await route({ ...deps, throttle, ip }, sessions, req, path)
        : problem(404, "Not found", "There is no such page.");
    } catch (err) {
      if (!(err instanceof HttpError)) {
        deps.logger.error("admin error", { error: err instanceof Error ? err.stack : String(err) });
      }
      const status = err instanceof HttpError ? err.status : 500;
      const message =
        err instanceof HttpError && err.expose ? err.message : "Something went wrong on our side.";
      res = problem(status, "That did not work", message);
    }
    secured(res);
    // HEAD: the same status and headers as GET, no body.
    return req.method === "HEAD"
      ? new Response(null, { status: res.status, headers: res.headers })
      : res;
  };
}

type RouteDeps = AdminDeps & { throttle: SignInThrottle; ip: string };

async function route(
  deps: RouteDeps,
  sessions: Sessions,
  req: Request,
  path: string,
): Promise<Response> {
  const reading = req.method === "GET" || req.method === "HEAD";
  if (path === "/__admin/login") {
    if (reading) return showLogin(deps, sessions, req);
    if (req.method === "POST") return login(deps, sessions, req);
    return notAllowed("GET, HEAD, POST");
  }
  const auth = authenticate(deps, sessions, req);
  if (!auth) return unauthorized();
  const csrf = auth.via === "cookie" ? sessions.csrf(auth.cookie) : "";

  const action = ACTIONS[path];
  if (action || path === "/__admin/logout") {
    if (req.method !== "POST") return notAllowed("POST");
    // Origin first, so a cross-site request is refused before its body is even read.
    const site = auth.via === "cookie" ? crossSite(req) : null;
    if (site) return refuse(deps, path, `it came from another site (${site})`);
    const form = await readForm(req);
    if (!csrfOk(sessions, auth, form)) return refuse(deps, path, "its form token is wrong");
    if (!action) {
      if (auth.via === "cookie") sessions.revoke(auth.cookie, deps.clock.now());
      return seeOther("/__admin/login", { "set-cookie": sessionCookie(req, null) });
    }
    return runAction(deps, req, action, form);
  }
  if (path === "/__admin/versions") {
    if (!reading) return notAllowed("GET, HEAD");
    return htmlPage(renderVersions(deps, req, csrf));
  }
  if (path !== "/__admin" && path !== "/__admin/" && path !== "/__admin/status.json") {
    return problem(404, "Not found", "There is no such admin page.");
  }
  if (!reading) return notAllowed("GET, HEAD");
  if (path === "/__admin/status.json") {
    const { flights: _, ...snap } = snapshot(deps);
    return json(snap);
  }
  return htmlPage(renderDashboard(deps, req, csrf));
}

function authenticate(deps: RouteDeps, sessions: Sessions, req: Request): Auth | null {
  const bearer = bearerToken(req);
  if (bearer !== null) {
    if (deps.throttle.waitSec(deps.ip) > 0) return null;
    if (sessions.checkToken(bearer)) return { via: "bearer" };
    deps.throttle.wrong(deps.ip, "bearer");
    return null;
  }
  const cookie = readCookie(req, COOKIE);
  if (cookie && sessions.valid(cookie, deps.clock.now())) return { via: "cookie", cookie };
  return null;
}

/** A browser session's form must carry its CSRF token. No other site can make a browser send
 * a Bearer header, so scripts that use one need neither this nor the Origin check. */
function csrfOk(sessions: Sessions, auth: Auth, form: URLSearchParams): boolean {
  return auth.via === "bearer" || sessions.checkCsrf(auth.cookie, form.get("csrf") ?? "");
}

function showLogin(deps: AdminDeps, sessions: Sessions, req: Request): Response {
  const cookie = readCookie(req, COOKIE);
  if (cookie && sessions.valid(cookie, deps.clock.now())) return seeOther("/__admin");
  return htmlPage(loginPage(null));
}

async function login(deps: RouteDeps, sessions: Sessions, req: Request): Promise<Response> {
  // Login CSRF: another site must not sign a visitor in (there is no session to bind yet).
  const site = crossSite(req);
  if (site) return problem(403, "Refused", `Sign in from this site's own form (${site}).`);
  const wait = deps.throttle.waitSec(deps.ip);
  if (wait > 0) {
    const page = loginPage(`Too many wrong tokens from your address: try again in ${wait} s.`);
    return htmlPage(page, 429, { "retry-after": String(wait) });
  }
  const form = await readForm(req);
  if (!sessions.checkToken(form.get("token") ?? "")) {
    deps.throttle.wrong(deps.ip, "form");
    return htmlPage(loginPage("That is not the admin token."), 401);
  }
  deps.logger.info("admin signed in", { ip: deps.ip });
  const cookie = sessionCookie(req, sessions.issue(deps.clock.now()));
  return seeOther("/__admin", { "set-cookie": cookie });
}

function refuse(deps: AdminDeps, path: string, reason: string): Response {
  deps.logger.warn("admin action refused", { path, reason });
  return problem(403, "Refused", `This request was refused: ${reason}.`);
}

function notAllowed(allow: string): Response {
  return problem(405, "Method not allowed", `This address answers ${allow} only.`, { allow });
}

/** What the dashboard and status.json show: read fresh on every request, written nowhere. */
function snapshot(deps: AdminDeps) {
  const now = deps.clock.now();
  const flights = deps.generator.list();
  return {
    role: deps.cluster.role(),
    stats: deps.store.stats(),
    maxCostUsd: deps.maxCostUsd,
    reservedUsd: deps.generator.budget.reservedUsd,
    now,
    pages: deps.store.listPages(),
    siteMap: deps.store.siteMap(),
    kept: deps.store.keptVersionKeys(),
    flights,
    inFlight: flights.map((f) => ({
      key: f.key,
      elapsedMs: now - f.startedAt,
      bytes: f.fanout.bytes,
    })),
  };
}

function renderDashboard(deps: AdminDeps, req: Request, csrf: string): string {
  const snap = snapshot(deps);
  const live = new Set(snap.flights.map((f) => f.key));
  const failed = new Set(
    snap.siteMap.filter((n) => !n.generated && deps.generator.lastFailure(n.key)).map((n) => n.key),
  );
  const bible = deps.store.memory.bible();
  return dashboard({ ...snap, bible, states: { live, failed }, flash: flashFrom(req.url), csrf });
}

function renderVersions(deps: AdminDeps, req: Request, csrf: string): string {
  const raw = new URL(req.url).searchParams.get("key") ?? "";
  if (raw === "") throw new HttpError(400, "Name a page, like /__admin/versions?key=/about.html");
  // Any spelling of a path, as the action takes it; a bad one is a 400 like any bad key.
  const key = normalizeKey(raw);
  const flash = flashFrom(req.url);
  return versionsPage({ key, versions: deps.store.versions(key), csrf, flash });
}
