// The page route on its own (http/routes/page.ts), on real parts: a cached hit is answered
// synchronously, and each other way a page request ends says so in the request's Visit.

import { afterEach, describe, expect, test } from "bun:test";
import type { Mapping } from "../../../src/core/types.ts";
import { createGenerator } from "../../../src/generate/generator.ts";
import { createClickAhead } from "../../../src/http/guards/click-ahead.ts";
import { createPageCache } from "../../../src/http/page-cache/page-cache.ts";
import { pageHeaders } from "../../../src/http/respond/page-headers.ts";
import type { Visit } from "../../../src/http/respond/visit.ts";
import type { RouteContext } from "../../../src/http/routes/context.ts";
import { servePage } from "../../../src/http/routes/page.ts";
import { createOfflineClient } from "../../../src/llm/offline.ts";
import { type Cluster, standalone } from "../../../src/store/litefs.ts";
import { openStore, type Store } from "../../../src/store/store.ts";
import { seedPage } from "../../fixtures/seed.ts";
import { memoryLogger } from "../../fixtures/site.ts";

const NAVIGATE = { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36";

const opened: { store: Store; ctx: RouteContext }[] = [];
afterEach(async () => {
  for (const { store, ctx } of opened.splice(0)) {
    await ctx.generator.drain();
    ctx.pages.close();
    store.close();
  }
});

function route(o: Partial<RouteContext> = {}): RouteContext {
  const store = openStore(":memory:");
  store.setSeed("A homepage about moons");
  const child: Mapping = { key: "/io.html", prompt: "Io", depth: 2, parent: "/" };
  seedPage(store, "/", { children: [child] });
  const clock = { now: Date.now };
  const generator = createGenerator({
    store,
    llm: createOfflineClient({ chunkDelayMs: 0 }),
    clock,
    logger: memoryLogger(),
    depthLimit: 5,
    maxTokens: 8192,
    memory: false,
    maxCostUsd: null,
    price: null,
  });
  const ctx: RouteContext = {
    store,
    generator,
    pages: createPageCache({ store, maxBytes: 2 ** 20, headers: pageHeaders(null) }),
    clock,
    cluster: standalone,
    admission: { botPolicy: "cached", trustFly: false, limiter: null, gate: null },
    clickAhead: createClickAhead(generator, clock),
    clickAheadMs: 0,
    pageHeaders: pageHeaders(null),
    depthLimit: 5,
    loadingPage: false,
    notFoundHtml: null,
    ...o,
  };
  opened.push({ store, ctx });
  return ctx;
}

function visit(path: string, init: RequestInit = {}): Visit {
  const headers = { "user-agent": CHROME, ...(init.headers as Record<string, string>) };
  const req = new Request(`http://rabbithole.test${path}`, { ...init, headers });
  return { req, path, server: undefined, started: 0, outcome: "system" };
}

describe("page route", () => {
  test("a cached page: a Response at once (no promise), 200 with its ETag, then 304", async () => {
    const c = route();
    const v = visit("/");
    const res = servePage(c, v, "/");
    expect(res).toBeInstanceOf(Response);
    expect(v.outcome).toBe("hit");
    const ok = res as Response;
    expect(ok.status).toBe(200);
    const etag = ok.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    const again = visit("/", { headers: { "if-none-match": etag } });
    expect((servePage(c, again, "/") as Response).status).toBe(304);
  });

  test("a key nobody linked to: 404, the operator's page when given, no generation", async () => {
    const v = visit("/nowhere.html");
    const res = await servePage(route(), v, "/nowhere.html");
    expect(res.status).toBe(404);
    expect(v.outcome).toBe("not_found");
    const custom = route({ notFoundHtml: "<p>lost</p>" });
    expect(await (await servePage(custom, visit("/x.html"), "/x.html")).text()).toBe("<p>lost</p>");
    expect(custom.generator.inFlight).toBe(0);
  });

  test("on a replica a miss is replayed on the primary, once", async () => {
    const replica: Cluster = { role: () => ({ primary: false, host: "machine-1" }) };
    const c = route({ cluster: replica });
    const v = visit("/io.html", { headers: NAVIGATE });
    const res = await servePage(c, v, "/io.html");
    expect(res.status).toBe(409);
    expect(res.headers.get("fly-replay")).toBe("instance=machine-1");
    expect(v.outcome).toBe("replayed");
    const replayed = visit("/io.html", { headers: { ...NAVIGATE, "fly-replay-src": "x" } });
    expect((await servePage(c, replayed, "/io.html")).status).toBe(503);
  });

  test("a navigation to a linked page starts it and streams it live", async () => {
    const c = route();
    const v = visit("/io.html", { headers: NAVIGATE });
    const res = await servePage(c, v, "/io.html");
    expect(v.outcome).toBe("generated");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-rabbithole")).toBe("live");
    expect(await res.text()).toContain("</html>");
  });

  test("with --loading-page the answer is the loading page, 202", async () => {
    const c = route({ loadingPage: true });
    const v = visit("/io.html", { headers: NAVIGATE });
    const res = await servePage(c, v, "/io.html");
    expect(res.status).toBe(202);
    expect(await res.text()).toContain("/__ready?url=%2Fio.html");
  });

  test("HEAD, a subresource and a crawler start nothing", async () => {
    const c = route();
    const head = visit("/io.html", { method: "HEAD", headers: NAVIGATE });
    expect((await servePage(c, head, "/io.html")).status).toBe(200);
    expect(head.outcome).toBe("refused");
    const img = visit("/io.html", {
      headers: { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
    });
    expect((await servePage(c, img, "/io.html")).status).toBe(503);
    expect(img.outcome).toBe("refused");
    const bot = visit("/io.html", { headers: { ...NAVIGATE, "user-agent": "Googlebot/2.1" } });
    const refused = await servePage(c, bot, "/io.html");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("86400");
    expect(c.generator.inFlight).toBe(0);
    expect(c.store.hasPage("/io.html")).toBe(false);
  });
});
