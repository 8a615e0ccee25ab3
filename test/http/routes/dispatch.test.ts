// Every request's way in (http/routes/dispatch.ts), on real routes: which requests reach the
// admin, the method check, crawlers under `deny`, robots.txt before any page, the system routes,
// pages; a cached page answered without a promise; errors made pages; one access line each.

import { afterEach, describe, expect, test } from "bun:test";
import type { BotPolicy } from "../../../src/config/bot-policy.ts";
import type { RequestLine } from "../../../src/core/types.ts";
import type { AdminHandler } from "../../../src/http/routes/admin/admin.ts";
import { createFetch } from "../../../src/http/routes/dispatch.ts";
import { createRabbitholeMetrics, type RabbitholeMetrics } from "../../../src/ops/metrics.ts";
import {
  CHROME,
  closeRouteContexts,
  NAVIGATE,
  routeContext,
} from "../../fixtures/route-context.ts";
import { seedPage } from "../../fixtures/seed.ts";
import { memoryLogger } from "../../fixtures/site.ts";

afterEach(closeRouteContexts);

const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

interface Setup {
  botPolicy?: BotPolicy;
  admin?: AdminHandler | null;
  robots?: () => Response;
  metrics?: RabbitholeMetrics;
}

function dispatcher(o: Setup = {}) {
  const botPolicy = o.botPolicy ?? "cached";
  const ctx = routeContext({
    admission: { botPolicy, trustFly: true, limiter: null, gate: null },
  });
  const lines: RequestLine[] = [];
  const logger = { ...memoryLogger(), request: (l: RequestLine) => lines.push(l) };
  const fetch = createFetch({
    ctx,
    botPolicy,
    robots: o.robots ?? (() => new Response("User-agent: *\n")),
    admin: o.admin ?? null,
    logger,
    metrics: o.metrics,
  });
  const call = (path: string, init: RequestInit = {}, server?: Parameters<typeof fetch>[1]) => {
    const headers = { "user-agent": CHROME, ...(init.headers as Record<string, string>) };
    return fetch(new Request(`http://rabbithole.test${path}`, { ...init, headers }), server);
  };
  return { ctx, call, lines, logger };
}

describe("dispatch", () => {
  test("a cached page is a Response at once, logged as a hit with the raw path, no query", () => {
    const d = dispatcher();
    const res = d.call("/?token=secret");
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(200);
    expect(d.lines).toEqual([expect.objectContaining({ path: "/", status: 200, outcome: "hit" })]);
  });

  test("methods other than GET and HEAD: 405 naming the allowed ones, nothing started", async () => {
    const d = dispatcher();
    const res = await d.call("/io.html", { method: "POST", headers: NAVIGATE });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(d.ctx.generator.inFlight).toBe(0);
    expect(d.lines[0]).toMatchObject({ method: "POST", status: 405 });
  });

  test("/__admin and below go to the admin whatever the method, with the client's address", async () => {
    const seen: [string, string, string | undefined][] = [];
    const admin: AdminHandler = async (req, path, ip) => {
      seen.push([req.method, path, ip]);
      return new Response("admin");
    };
    const d = dispatcher({ admin });
    const proxy = { requestIP: () => ({ address: "10.0.0.1" }), timeout: () => {} };
    await d.call(
      "/__admin/purge",
      { method: "POST", headers: { "fly-client-ip": "203.0.113.7" } },
      proxy,
    );
    await d.call("/__admin", {}, proxy);
    // Not a prefix match: /__administer is a system path like any other.
    expect((await d.call("/__administer")).status).toBe(404);
    expect(seen).toEqual([
      ["POST", "/__admin/purge", "203.0.113.7"],
      ["GET", "/__admin", "10.0.0.1"],
    ]);
  });

  test("without an admin, /__admin is a system path: 404", async () => {
    const d = dispatcher();
    const res = await d.call("/__admin", { method: "POST" });
    expect(res.status).toBe(405);
    expect((await d.call("/__admin")).status).toBe(404);
  });

  test("under `deny` a crawler gets 403 everywhere but /robots.txt and /__health", async () => {
    const d = dispatcher({ botPolicy: "deny" });
    const bot = { headers: { "user-agent": GOOGLEBOT } };
    const page = d.call("/", bot);
    expect(page).toBeInstanceOf(Response);
    expect((page as Response).status).toBe(403);
    expect(d.lines.at(-1)?.outcome).toBe("refused");
    expect((await d.call("/robots.txt", bot)).status).toBe(200);
    expect((await d.call("/__health", bot)).status).toBe(200);
    // A person is served as ever; under `cached` the crawler reads the cached page.
    expect((d.call("/") as Response).status).toBe(200);
    expect((dispatcher().call("/", bot) as Response).status).toBe(200);
  });

  test("robots.txt is answered before any page, even one the model wrote at that path", async () => {
    const d = dispatcher({ robots: () => new Response("from the robots route") });
    seedPage(d.ctx.store, "/robots.txt", { html: "<p>a page</p>" });
    expect(await (await d.call("/robots.txt")).text()).toBe("from the robots route");
  });

  test("/__ paths are system routes: health answers, an unknown one is a 404 page", async () => {
    const d = dispatcher();
    const health = await d.call("/__health");
    expect(await health.json()).toMatchObject({ status: "ok", role: "primary" });
    expect(d.lines.at(-1)?.outcome).toBe("system");
    const unknown = await d.call("/__nothing");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toContain("text/html");
    expect(d.lines.at(-1)).toMatchObject({ status: 404, outcome: "error" });
  });

  test("a bad path is a 400 page, said synchronously", () => {
    const d = dispatcher();
    const res = d.call("/%zz.html");
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(400);
    expect(d.lines.at(-1)).toMatchObject({ path: "/%zz.html", status: 400, outcome: "error" });
  });

  test("a route that throws or rejects: a 500 page that tells nothing, the error logged", async () => {
    const thrown = dispatcher({
      robots: () => {
        throw new Error("disk on fire");
      },
    });
    const res = thrown.call("/robots.txt") as Response;
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("disk on fire");
    expect(thrown.logger.lines.some((l) => l.level === "error")).toBe(true);
    expect(thrown.lines.at(-1)).toMatchObject({ status: 500, outcome: "error" });
    const rejected = dispatcher({ admin: () => Promise.reject(new Error("admin on fire")) });
    const later = await rejected.call("/__admin");
    expect(later.status).toBe(500);
    expect(rejected.lines.at(-1)).toMatchObject({ status: 500, outcome: "error" });
  });

  test("HEAD: GET's status and headers, its length, no body", async () => {
    const d = dispatcher();
    const get = d.call("/") as Response;
    const size = (await get.arrayBuffer()).byteLength;
    const head = await d.call("/", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(size));
    expect(head.headers.get("etag")).toBe(get.headers.get("etag"));
    expect(await head.text()).toBe("");
  });

  test("every request is counted in the metrics, by outcome", async () => {
    const metrics = createRabbitholeMetrics();
    const d = dispatcher({ metrics });
    d.call("/");
    await d.call("/nowhere.html");
    const text = metrics.registry.expose();
    expect(text).toContain('rabbithole_requests_total{outcome="hit",status="200"} 1');
    expect(text).toContain('rabbithole_requests_total{outcome="not_found",status="404"} 1');
  });
});
