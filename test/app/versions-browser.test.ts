// Versions in the admin view, in a real Chromium: an operator regenerates a page, finds it under
// "Kept versions", rolls it back with the button (its form carries the CSRF token), and the site
// serves the first version again at once.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../fixtures/browser.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { keyOf, listen, type Site, startSite } from "../fixtures/site.ts";

warnIfNoChromium("browser tests of versions in the admin view");

const TOKEN = "versions-browser-admin-token-0123456789";

describe.skipIf(!hasChromium)("versions in the admin view", () => {
  let browser: Browser;
  let site: Site;
  let server: ReturnType<typeof listen>;
  const writes = new Map<string, number>();

  beforeAll(async () => {
    site = startSite({
      adminToken: TOKEN,
      handler: (body) => {
        const key = keyOf(body);
        const n = (writes.get(key) ?? 0) + 1;
        writes.set(key, n);
        return pageReply(htmlDoc(`Moths ${n}`, `<h1>Moths, written ${n} times</h1>`));
      },
    });
    server = listen(site);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await site?.close();
  });

  test("regenerate, find the kept version, roll back: the site serves it again", async () => {
    expect(await (await fetch(`${server.url}/`)).text()).toContain("written 1 times");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/__admin/login`);
    await page.locator("#token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/__admin`);
    await expect(page.locator("#versions .empty").count()).resolves.toBe(1);

    await page.getByRole("button", { name: "Regenerate /", exact: true }).click();
    await page.waitForURL(/done=regenerating/);
    await site.app.generator.drain();
    expect(await (await fetch(`${server.url}/`)).text()).toContain("written 2 times");

    await page.goto(`${server.url}/__admin`);
    const kept = page.locator('#versions tr[data-key="/"]');
    await expect(kept.textContent()).resolves.toBe("/1version 2");
    await kept.getByRole("link", { name: "/" }).click();
    await page.waitForURL(`${server.url}/__admin/versions?key=%2F`);
    await expect(page.locator("tr[data-version]").count()).resolves.toBe(2);
    await page.screenshot({ path: `${SHOTS}/admin-versions.png`, fullPage: true });

    await page.getByRole("button", { name: "Roll back / to version 1" }).click();
    await page.waitForURL(/done=rolled-back/);
    await page.locator(".flash", { hasText: "Rolled back /" }).waitFor();
    await expect(page.locator('tr[data-version="1"] td').nth(5).textContent()).resolves.toBe(
      "current",
    );
    await page.screenshot({ path: `${SHOTS}/admin-versions-rolled-back.png`, fullPage: true });
    // The visitor's next load is the first version, from a server that held the second.
    const visitor = await context.newPage();
    await visitor.goto(`${server.url}/`);
    await expect(visitor.locator("h1").textContent()).resolves.toBe("Moths, written 1 times");
    await context.close();
  }, 30_000);
});
