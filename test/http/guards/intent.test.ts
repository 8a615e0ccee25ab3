// Which requests may start a paid page, and what the others get (the browser-level proof is in
// intent-browser.test.ts).

import { afterEach, describe, expect, test } from "bun:test";
import { isNavigation } from "../../../src/http/guards/intent.ts";
import { type Site, startSite, treeHandler } from "../../fixtures/site.ts";

const h = (init: Record<string, string>) => new Headers(init);
const NAV = { "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" };
const PERSON = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36" };

describe("isNavigation", () => {
  test("a top-level navigation, or a client without fetch metadata (curl), may start a page", () => {
    expect(isNavigation(h(NAV))).toBe(true);
    expect(isNavigation(h({ "sec-fetch-mode": "navigate" }))).toBe(true);
    expect(isNavigation(h({ "sec-fetch-mode": "navigate", "sec-fetch-site": "cross-site" }))).toBe(
      true,
    );
    expect(isNavigation(h({ accept: "*/*", "user-agent": "curl/8.5.0" }))).toBe(true);
    expect(isNavigation(h({}))).toBe(true);
    expect(isNavigation(h({ accept: "text/html,application/xhtml+xml,*/*;q=0.8" }))).toBe(true);
  });

  test("subresources, fetches, frames, prefetch and prerender may not", () => {
    for (const headers of <Record<string, string>[]>[
      { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
      { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "script" },
      { "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" },
      { "sec-fetch-mode": "same-origin", "sec-fetch-dest": "empty" },
      { "sec-fetch-mode": "navigate", "sec-fetch-dest": "iframe" },
      { ...NAV, "sec-purpose": "prefetch" },
      { ...NAV, "sec-purpose": "prefetch;prerender" },
      { purpose: "prefetch" },
      { "x-moz": "prefetch" },
      { accept: "image/webp,image/png,image/*;q=0.8,*/*;q=0.5" },
      { accept: "text/css,*/*;q=0.1" },
    ]) {
      expect({ headers, starts: isNavigation(h(headers)) }).toEqual({ headers, starts: false });
    }
  });
});

describe("in the app", () => {
  let site: Site | undefined;
  afterEach(async () => {
    await site?.close();
    site = undefined;
  });

  test("an image request gets 503 and starts nothing; the navigation then writes the page", async () => {
    site = startSite({ handler: treeHandler });
    await site.get("/");
    const img = await site.get("/p-a.html", {
      headers: { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
    });
    expect(img.status).toBe(503);
    expect(img.res.headers.get("retry-after")).toBeTruthy();
    expect(site.fake.calls).toBe(1);
    expect((await site.get("/p-a.html", { headers: NAV })).status).toBe(200);
    expect(site.fake.calls).toBe(2);
  });

  test("/__ready never starts a page: a linked, unstarted page is pending", async () => {
    site = startSite({ handler: treeHandler, loadingPage: true });
    await site.get("/");
    await site.app.generator.drain();
    const ready = await site.request("/__ready?url=/p-a.html");
    expect(ready.status).toBe(202);
    expect(await ready.json()).toEqual({ state: "pending" });
    expect(site.fake.calls).toBe(1);
  });

  test("HEAD on an unwritten page answers what GET would, and starts nothing", async () => {
    site = startSite({ handler: treeHandler, ops: { botPolicy: "cached" } });
    await site.get("/", { headers: PERSON });
    const head = (headers: Record<string, string>) =>
      site?.request("/p-a.html", { method: "HEAD", headers }) as Promise<Response>;
    const crawler = { "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)" };
    const crawlerGet = await site.get("/p-b.html", { headers: crawler });
    const crawlerHead = await head(crawler);
    expect(crawlerHead.status).toBe(crawlerGet.status);
    expect(crawlerHead.status).toBe(503);
    expect(crawlerHead.headers.get("retry-after")).toBe(crawlerGet.res.headers.get("retry-after"));
    const image = { ...PERSON, "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" };
    expect((await head(image)).status).toBe(503);
    expect((await head({ ...PERSON, ...NAV })).status).toBe(200);
    expect(site.fake.calls).toBe(1);
  });
});
