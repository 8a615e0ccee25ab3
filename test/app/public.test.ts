// Running in public, through the whole app: crawlers never spend money, limits refuse new
// pages but never cached ones, robots.txt, the CSP option and the admin view's sandbox.

import { afterEach, describe, expect, test } from "bun:test";
import { STRICT_CSP } from "../../src/config/parse.ts";
import { GENERATED_PAGE_SANDBOX } from "../../src/http/respond/page-headers.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import {
  keyOf,
  listen,
  type Site,
  type SiteOptions,
  startSite,
  treeHandler,
} from "../fixtures/site.ts";

const GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const ua = (agent: string) => ({ headers: { "user-agent": agent } });

let site: Site | undefined;
let server: ReturnType<typeof listen> | undefined;
function open(opts: SiteOptions = {}) {
  site = startSite({ handler: treeHandler, ...opts });
  return site;
}
afterEach(async () => {
  await server?.stop();
  await site?.close();
  site = server = undefined;
});

describe("bots (--bot-policy cached, the default in production)", () => {
  test("a crawler reads cached pages but never starts, nor joins, a generation", async () => {
    const s = open({ ops: { botPolicy: "cached" } });
    expect((await s.get("/", ua(FIREFOX))).status).toBe(200);
    expect((await s.get("/", ua(GOOGLEBOT))).status).toBe(200);
    const uncached = await s.get("/p-a.html", ua(GOOGLEBOT));
    expect(uncached.status).toBe(503);
    expect(uncached.res.headers.get("retry-after")).toBeTruthy();
    expect((await s.get("/never-linked.html", ua(GOOGLEBOT))).status).toBe(404);
    const ready = await s.request("/__ready?url=/p-a.html", ua(GOOGLEBOT));
    expect(ready.status).toBe(503);
    expect(s.fake.calls).toBe(1);
  });

  test("deny: 403 on everything but robots.txt and health", async () => {
    const s = open({ ops: { botPolicy: "deny" } });
    await s.get("/", ua(FIREFOX));
    expect((await s.get("/", ua(GOOGLEBOT))).status).toBe(403);
    expect((await s.get("/robots.txt", ua(GOOGLEBOT))).status).toBe(200);
    expect((await s.get("/__health", ua(GOOGLEBOT))).status).toBe(200);
  });

  test("robots.txt lets polite crawlers read the written pages and nothing else", async () => {
    const s = open({ ops: { botPolicy: "cached" } });
    await s.get("/", ua(FIREFOX));
    await s.get("/p-a.html", ua(FIREFOX));
    const { body, res } = await s.get("/robots.txt");
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(body).toContain("Allow: /p-a.html");
    expect(
      body
        .trimEnd()
        .split("\n")
        .some((l) => l.trim() === "Disallow: /"),
    ).toBe(true);
    expect(body).not.toContain("/p-b.html");
    // Kept between requests, and current after every write and purge.
    await s.get("/p-b.html", ua(FIREFOX));
    expect((await s.get("/robots.txt")).body).toContain("Allow: /p-b.html$");
    // Purged through the store, as `rabbithole purge` does from another process.
    s.store.purge(["/p-a.html"]);
    expect((await s.get("/robots.txt")).body).not.toContain("/p-a.html");
    const custom = open({ ops: { robotsTxt: "User-agent: *\nDisallow:\n" } });
    expect((await custom.get("/robots.txt")).body).toBe("User-agent: *\nDisallow:\n");
  });
});

describe("limits", () => {
  test("a client over its rate gets 429 with Retry-After; cached pages stay 200", async () => {
    const s = open({ ops: { ratePerMinute: 1, rateBurst: 2 } });
    server = listen(s);
    const get = (p: string) =>
      fetch(`${server?.url}${p}`).then(async (r) => ({
        status: r.status,
        retry: r.headers.get("retry-after"),
        body: await r.text(),
      }));
    expect((await get("/")).status).toBe(200);
    expect((await get("/p-a.html")).status).toBe(200);
    const limited = await get("/p-b.html");
    expect(limited.status).toBe(429);
    expect(Number(limited.retry)).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) expect((await get("/")).status).toBe(200);
    expect(s.fake.calls).toBe(2);
  });

  test("the cap on concurrent generations: beyond it and its queue, 503; cached pages stay 200", async () => {
    const s = open({
      ops: { maxConcurrent: 1, queue: 0 },
      handler: (body) =>
        keyOf(body) === "/"
          ? pageReply(
              htmlDoc("home"),
              ["a", "b", "c"].map((x) => ({ url: `/${x}.html`, prompt: x })),
            )
          : { text: pageReply(htmlDoc(keyOf(body)), []), chunkDelayMs: 20, chunkSize: 5 },
    });
    await s.get("/");
    const slow = s.get("/a.html");
    await Bun.sleep(20);
    const busy = await s.get("/b.html");
    expect(busy.status).toBe(503);
    expect(busy.res.headers.get("retry-after")).toBeTruthy();
    expect((await s.get("/")).status).toBe(200);
    expect((await slow).status).toBe(200);
    // The slot is free again once the page is written.
    expect((await s.get("/c.html")).status).toBe(200);
  });

  test("joining a page already being written is never limited", async () => {
    const s = open({
      ops: { ratePerMinute: 1, rateBurst: 1 },
      handler: () => ({ text: pageReply(htmlDoc("slow"), []), chunkDelayMs: 10, chunkSize: 5 }),
    });
    const visits = await Promise.all(Array.from({ length: 10 }, () => s.get("/")));
    for (const v of visits) expect(v.status).toBe(200);
    expect(s.fake.calls).toBe(1);
  });
});

describe("headers of generated pages", () => {
  test("--csp adds a Content-Security-Policy to generated pages, cached and live", async () => {
    const s = open({ ops: { csp: STRICT_CSP } });
    const both = `${STRICT_CSP}, ${GENERATED_PAGE_SANDBOX}`;
    const live = await s.get("/");
    expect(live.res.headers.get("content-security-policy")).toBe(both);
    const cached = await s.get("/");
    expect(cached.res.headers.get("content-security-policy")).toBe(both);
  });

  test("generated pages are sandboxed even with the admin view off: a tab opened before it was turned on", async () => {
    const s = open();
    expect((await s.get("/")).res.headers.get("content-security-policy")).toBe(
      GENERATED_PAGE_SANDBOX,
    );
    expect((await s.get("/")).res.headers.get("content-security-policy")).toBe(
      GENERATED_PAGE_SANDBOX,
    );
  });

  test("with the admin view on, generated pages are sandboxed; the loading page is not", async () => {
    const s = open({ adminToken: "a-long-enough-admin-token", loadingPage: true });
    const loading = await s.get("/");
    expect(loading.res.headers.get("content-security-policy")).toBeNull();
    await s.app.generator.drain();
    const page = await s.get("/");
    expect(page.res.headers.get("content-security-policy")).toBe(GENERATED_PAGE_SANDBOX);
    expect((await s.get("/__admin")).status).toBe(401);
  });

  test("without a token there is no admin view at all", async () => {
    const s = open();
    expect((await s.get("/__admin")).status).toBe(404);
    expect((await s.get("/__admin/login")).status).toBe(404);
    expect((await s.request("/__admin/purge", { method: "POST" })).status).toBe(405);
  });
});
