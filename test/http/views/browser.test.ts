// The site as a visitor sees it, in a real Chromium: a live page shows its first heading while
// the model is still writing, and the loading page gives way to the page by itself.

import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { createOfflineClient } from "../../../src/llm/offline.ts";
import { OFFLINE_BANNER } from "../../../src/llm/offline-page.ts";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../../fixtures/browser.ts";
import { htmlDoc, pageReply } from "../../fixtures/fake-anthropic.ts";
import { keyOf, listen, type Site, startSite } from "../../fixtures/site.ts";

warnIfNoChromium("browser tests of live and loading-page modes");

const STYLE = "<style>body{font:18px/1.5 Georgia,serif;max-width:38em;margin:2em auto}</style>";
const para = (i: number) => `<p>Paragraph ${i}: the long road from Earth to the red planet.</p>`;
function pageFor(key: string): string {
  const body = Array.from({ length: 30 }, (_, i) => para(i)).join("\n");
  const title = key === "/" ? "Space exploration" : `About ${key}`;
  return htmlDoc(
    title,
    `${STYLE}<h1>${title}</h1>\n<nav><a id="mars" href="/mars.html">Mars</a></nav>\n${body}`,
  );
}

describe.skipIf(!hasChromium)("in a real browser", () => {
  let browser: Browser;
  let site: Site | undefined;
  let server: ReturnType<typeof listen> | undefined;
  if (hasChromium) {
    beforeAll(async () => {
      browser = await launchBrowser();
    });
  }
  if (hasChromium) afterAll(async () => await browser?.close());
  afterEach(async () => {
    await server?.stop();
    await site?.close();
    site = server = undefined;
  });

  function open(loadingPage: boolean) {
    site = startSite({
      loadingPage,
      handler: (body) => {
        const key = keyOf(body);
        const mappings = key === "/" ? [{ url: "/mars.html", prompt: "Mars, same design" }] : [];
        // ~70 deltas 40 ms apart: the page takes about 3 s to write.
        return { text: pageReply(pageFor(key), mappings), chunkSize: 40, chunkDelayMs: 40 };
      },
    });
    server = listen(site);
    return { s: site, url: server.url };
  }

  test("live: the first heading is visible while the model is still writing", async () => {
    const { s, url } = open(false);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${url}/`, { waitUntil: "commit" });
    await page.locator("h1").waitFor({ state: "visible" });
    // The heading is on screen, and the upstream has not finished the page.
    expect(s.app.generator.get("/")).toBeDefined();
    expect(s.store.getPage("/")).toBeNull();
    await page.screenshot({ path: `${SHOTS}/live-partial.png` });

    await page.waitForLoadState("load");
    await s.app.generator.drain();
    expect(await page.locator("p").count()).toBe(30);
    expect(await page.content()).not.toContain("---MAPPINGS---");
    await page.screenshot({ path: `${SHOTS}/live-complete.png` });

    await page.click("#mars");
    await page.locator("h1", { hasText: "About /mars.html" }).waitFor();
    expect(page.url()).toBe(`${url}/mars.html`);
    await page.close();
  });

  test("loading page: shown at once, replaced by the page without a manual reload", async () => {
    const { s, url } = open(true);
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const response = await page.goto(`${url}/`);
    expect(response?.status()).toBe(202);
    await page.locator("text=Down the rabbit hole").waitFor({ state: "visible" });
    await page.screenshot({ path: `${SHOTS}/loading-mode-waiting.png` });
    await page.locator("h1", { hasText: "Space exploration" }).waitFor({ timeout: 15_000 });
    expect(s.store.getPage("/")).not.toBeNull();
    expect(s.fake.calls).toBe(1);
    await page.screenshot({ path: `${SHOTS}/loading-mode-done.png` });
    await page.close();
  }, 30_000);

  test("offline: placeholder pages say so, look like a site, and their links work", async () => {
    site = startSite({
      llm: createOfflineClient({ chunkDelayMs: 0 }),
      seed: "A field guide to moths",
    });
    server = listen(site);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/`);
    await page.locator(`text=${OFFLINE_BANNER}`).first().waitFor({ state: "visible" });
    await page.screenshot({ path: `${SHOTS}/offline-home.png` });
    const links = await page.locator("main a[href^='/']").count();
    expect(links).toBeGreaterThanOrEqual(4);
    await page.locator("main a[href^='/']").first().click();
    await page.locator(`text=${OFFLINE_BANNER}`).first().waitFor({ state: "visible" });
    expect(new URL(page.url()).pathname).not.toBe("/");
    await page.screenshot({ path: `${SHOTS}/offline-child.png` });
    await page.close();
  });
});
