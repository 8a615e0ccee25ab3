// Another site cannot spend the operator's money through a visitor's browser: an <img>, a
// no-cors fetch, a script, a frame, a prefetch and a /__ready poll pointed at unwritten pages
// start nothing, in a real Chromium; the visitor's own navigation still writes the page.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "./fixtures/browser.ts";
import { listen, type Site, startSite, treeHandler } from "./fixtures/site.ts";

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
        <img src="${target}/p-a.html">
        <img src="${target}/__ready?url=/p-b.html">
        <script src="${target}/p-a/p-a-a.html"></script>
        <iframe src="${target}/p-a/p-a-b.html"></iframe>
        <link rel="prefetch" href="${target}/p-b/p-b-a.html">
        <script>
          fetch("${target}/p-b/p-b-b.html", { mode: "no-cors" })
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
    const curl = { headers: { "user-agent": "curl/8.5.0" } };
    expect((await site.get("/", curl)).status).toBe(200);
    expect(site.fake.calls).toBe(1);
    const context = await browser.newContext({ userAgent: DESKTOP_UA });
    const page = await context.newPage();
    const seen: string[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(server.url)) seen.push(new URL(r.url()).pathname);
    });
    await page.goto(`http://localhost:${evil.port}/`, { waitUntil: "load" });
    await page.waitForFunction(() => document.title === "done");
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${SHOTS}/intent-elsewhere.png` });
    // The browser did ask for them all (the prefetch is Chromium's to drop), and nothing started.
    expect(seen).toEqual(
      expect.arrayContaining(["/p-a.html", "/__ready", "/p-a/p-a-a.html", "/p-b/p-b-b.html"]),
    );
    expect(site.fake.calls).toBe(1);
    expect(site.app.generator.inFlight).toBe(0);
    expect(site.store.hasPage("/p-a.html")).toBe(false);

    // The visitor's own navigation writes the page.
    const visit = await page.goto(`${server.url}/p-a.html`, { waitUntil: "load" });
    expect(visit?.status()).toBe(200);
    expect(await page.locator("h1").textContent()).toBe("Page /p-a.html");
    await page.screenshot({ path: `${SHOTS}/intent-navigation.png` });
    expect(site.fake.calls).toBe(2);
    await context.close();
  });
});
