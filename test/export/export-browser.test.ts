// An export in a real Chromium: each page, served by a plain static file server, shows what the
// live server shows (title, text, the box of every element, the pixels); its links lead to the
// exported pages, a link to a page never written to the page that says so; and the export also
// works opened from disk (file://).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { exportSite } from "../../src/export/export.ts";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../fixtures/browser.ts";
import { CRAWLED, crawlLinkySite, linkyReply } from "../fixtures/linky-site.ts";
import { keyOf, listen, type Site, startSite } from "../fixtures/site.ts";
import { serveStatic } from "../fixtures/static-site.ts";

warnIfNoChromium("browser tests of the static export");

const dir = mkdtempSync(join(tmpdir(), "rabbithole-export-browser-"));
const db = join(dir, "site.db");
const out = join(dir, "out");

/** What a visitor sees: the title, the text, and where every element of the body is drawn. */
async function seen(page: Page) {
  return page.evaluate(() => ({
    title: document.title,
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what one sees
    text: document.body.innerText,
    boxes: [...document.body.querySelectorAll("*")].map((el) => {
      const r = el.getBoundingClientRect();
      return `${el.tagName} ${r.x},${r.y} ${r.width}x${r.height}`;
    }),
  }));
}

describe.skipIf(!hasChromium)("an export in a real browser", () => {
  let browser: Browser;
  let site: Site;
  let live: ReturnType<typeof listen>;
  let files: ReturnType<typeof serveStatic>;
  let fileOf: Map<string, string>;

  beforeAll(async () => {
    await crawlLinkySite(db);
    // The same database served live (every page cached: no generation), and exported.
    site = startSite({ handler: (body) => linkyReply(keyOf(body)), dbPath: db });
    live = listen(site);
    exportSite({
      dbPath: db,
      dir: out,
      from: null,
      siteUrl: null,
      force: false,
      generator: "test",
    });
    const manifest = await Bun.file(join(out, "manifest.json")).json();
    fileOf = new Map(manifest.pages.map((p: { url: string; file: string }) => [p.url, p.file]));
    files = serveStatic(out);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await files?.stop();
    await live?.stop();
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("every exported page shows what the live server shows", async () => {
    for (const key of CRAWLED) {
      const file = fileOf.get(key) as string;
      // A fresh context each: no visited-link colours carried from one page to the next.
      const shots: Buffer[] = [];
      const views = [];
      for (const url of [`${live.url}${key}`, `${files.url}/${file}`]) {
        const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
        const page = await context.newPage();
        expect((await page.goto(url))?.status()).toBe(200);
        views.push(await seen(page));
        shots.push(await page.screenshot({ fullPage: true }));
        await context.close();
      }
      expect(views[1]).toEqual(views[0] as (typeof views)[number]);
      expect(shots[1]?.equals(shots[0] as Buffer)).toBe(true);
    }
  }, 60_000);

  test("links lead to the exported pages; a page never written says so", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${files.url}/`);
    await page.getByRole("link", { name: "Docs", exact: true }).click();
    await page.waitForURL(`${files.url}/docs/index.html`);
    await page.getByRole("link", { name: "Guide" }).click();
    await expect(page.locator("h1").textContent()).resolves.toBe("Page /docs/guide.html");
    await page.getByRole("link", { name: "/docs/guide-a.html" }).click();
    await page.waitForURL(/\/not-written\.html\?not-written=%2Fdocs%2Fguide-a\.html$/);
    await expect(page.locator("h1").textContent()).resolves.toBe("This page was never written");
    await expect(page.locator("#which").textContent()).resolves.toBe("The page /docs/guide-a.html");
    await page.screenshot({ path: `${SHOTS}/export-not-written.png` });
    await page.getByRole("link", { name: "Go back" }).click();
    await page.waitForURL(`${files.url}/docs/guide.html`);
    await context.close();
  });

  test("opened from disk (file://), the export works as well", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(out, "index.html")).href);
    await page.getByRole("link", { name: "Café" }).click();
    await expect(page.locator("h1").textContent()).resolves.toBe("Page /caf%C3%A9.html");
    await page.getByRole("link", { name: "Home" }).click();
    await page.getByRole("link", { name: "Docs without a slash" }).click();
    await expect(page.locator("h1").textContent()).resolves.toBe("Page /docs");
    await context.close();
  });
});
