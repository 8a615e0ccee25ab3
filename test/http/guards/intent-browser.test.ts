// Another site cannot spend the operator's money through a visitor's browser: an <img>, a
// no-cors fetch, a script, a frame, a prefetch and a /__ready poll pointed at unwritten pages
// start nothing, in a real Chromium; the visitor's own navigation still writes the page.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { loadingPage } from "../../../src/http/views/loading-page.ts";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../../fixtures/browser.ts";
import { listen, type Site, startSite, treeHandler } from "../../fixtures/site.ts";

warnIfNoChromium("the cross-site spending test");

// HeadlessChrome names itself and is treated as a crawler: look like a person's browser.
const DESKTOP_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Chrome/131.0.0.0 Safari/537.36";

describe.skipIf(!hasChromium)("a third-party page in a real browser", () => {
  let browser: Browser;
  let site: Site;
  let server: ReturnType<typeof listen>;
  let evil: ReturnType<typeof Bun.serve>;
  if (hasChromium) {
    beforeAll(async () => {
      browser = await launchBrowser();
      site = startSite({ handler: treeHandler, ops: { botPolicy: "cached" } });
      server = listen(site);
      // 127.0.0.1 and localhost are different sites: the page below is cross-site.
      const target = server.url;
      const attack = `<!doctype html><title>elsewhere</title>
        <img src="${target}/p-a-a.html">
        <img src="${target}/__ready?url=/p-a-a.html">
        <script src="${target}/p-a-b.html"></script>
        <iframe src="${target}/p-b-a.html"></iframe>
        <link rel="prefetch" href="${target}/p-a-a.html">
        <script>
          fetch("${target}/p-b-b.html", { mode: "no-cors" })
            .catch(function () {})
            .finally(function () { document.title = "done"; });
        </script>`;
      evil = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        development: false,
        fetch: () => new Response(attack, { headers: { "content-type": "text/html" } }),
      });
    });
    afterAll(async () => {
      await browser?.close();
      await evil?.stop(true);
      await server?.stop();
      await site?.close();
    });
  }

  test("images, a no-cors fetch, a script, a frame, a prefetch and /__ready start nothing", async () => {
    // Written by hand (curl): the homepage and its two children, whose four children are mapped.
    const curl = { headers: { "user-agent": "curl/8.5.0" } };
    for (const p of ["/", "/p-a.html", "/p-b.html"]) {
      expect((await site.get(p, curl)).status).toBe(200);
    }
    expect(site.fake.calls).toBe(3);
    const context = await browser.newContext({ userAgent: DESKTOP_UA });
    const page = await context.newPage();
    const seen: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(server.url)) seen.push(new URL(r.url()).pathname);
    });
    await page.goto(`http://localhost:${evil.port}/`, { waitUntil: "load" });
    await page.waitForFunction(() => document.title === "done");
    // The server answered each of them (its access log), every one without starting a page.
    const answered = () =>
      site.logger.lines
        .filter((l) => l.args[0] === "request")
        .map((l) => l.args[1] as { path: string; status: number });
    const attacked = ["/p-a-a.html", "/__ready", "/p-a-b.html", "/p-b-a.html", "/p-b-b.html"];
    while (!attacked.every((p) => answered().some((a) => a.path === p))) await Bun.sleep(20);
    for (const a of answered().filter((a) => attacked.includes(a.path))) {
      expect({ path: a.path, ok: a.status === (a.path === "/__ready" ? 202 : 503) }).toEqual({
        path: a.path,
        ok: true,
      });
    }
    await page.screenshot({ path: `${SHOTS}/intent-elsewhere.png` });
    // The browser did ask for them all (the prefetch is Chromium's to drop), and nothing started.
    expect(seen).toEqual(expect.arrayContaining(attacked));
    expect(site.fake.calls).toBe(3);
    expect(site.app.generator.inFlight).toBe(0);
    expect(site.store.hasPage("/p-a-a.html")).toBe(false);

    // The visitor's own navigation writes the page.
    const visit = await page.goto(`${server.url}/p-a-a.html`, { waitUntil: "load" });
    expect(visit?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("Page /p-a-a.html");
    await page.screenshot({ path: `${SHOTS}/intent-navigation.png` });
    expect(site.fake.calls).toBe(4);
    await context.close();
  });

  test("a loading page left from before a restart: its poll starts nothing, its reload does", async () => {
    const own = startSite({ handler: treeHandler, loadingPage: true });
    const ownServer = listen(own);
    try {
      expect((await own.get("/")).status).toBe(202);
      await own.app.generator.drain();
      expect(own.fake.calls).toBe(1);
      const context = await browser.newContext({ userAgent: DESKTOP_UA });
      const page = await context.newPage();
      // The tab shows the loading page of /p-a.html as an earlier process served it; that
      // process's generation died with it, so this one has never started the page.
      const target = `${ownServer.url}/p-a.html`;
      await page.route(target, (route) =>
        route.fulfill({ status: 202, contentType: "text/html", body: loadingPage("/p-a.html") }),
      );
      await page.goto(target);
      await page.unroute(target);
      // The poll answers "pending" (starting nothing); the page reloads itself, and that
      // navigation writes it.
      await page.locator("h1", { hasText: "Page /p-a.html" }).waitFor({ timeout: 15_000 });
      await page.screenshot({ path: `${SHOTS}/intent-pending-reload.png` });
      expect(own.fake.calls).toBe(2);
      const polls = own.logger.lines.filter(
        (l) => l.args[0] === "request" && (l.args[1] as { path: string }).path === "/__ready",
      );
      expect(polls.length).toBeGreaterThan(0);
      await context.close();
    } finally {
      await ownServer.stop();
      await own.close();
    }
  }, 30_000);
});
