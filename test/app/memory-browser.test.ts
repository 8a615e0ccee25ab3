// Site memory in a real Chromium: a new page paints the site's header and its title from the
// shell while the model has not written a single byte (first token after 4 s), then the
// content streams in and the footer closes the page.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../fixtures/browser.ts";
import { contentAnswer, FOOTER, homeAnswer, memoryHandler } from "../fixtures/memory-site.ts";
import { listen, startSite } from "../fixtures/site.ts";

warnIfNoChromium("the site-memory browser test");

const FIRST_TOKEN_MS = 4000;

describe.skipIf(!hasChromium)("site memory in a real browser", () => {
  let browser: Browser;
  if (hasChromium) {
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => await browser?.close());
  }

  test("header and title show before the model's first token; content, then footer follow", async () => {
    let firstToken = 0;
    const slow = memoryHandler((key) => {
      if (key === "/") return homeAnswer();
      return undefined;
    });
    const site = startSite({
      memory: true,
      handler: async (body, i, req) => {
        const r = await slow(body, i, req);
        if (i === 0) return r;
        const text = typeof r === "string" ? r : (r.text ?? "");
        return {
          text,
          firstTokenDelayMs: FIRST_TOKEN_MS,
          chunkSize: 30,
          chunkDelayMs: 20,
          onFirstText: () => {
            firstToken = performance.now();
          },
        };
      },
    });
    const server = listen(site);
    try {
      expect((await site.get("/")).status).toBe(200);
      const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
      const asked = performance.now();
      await page.goto(`${server.url}/volcanoes.html`, { waitUntil: "commit" });
      await page.locator("header.site a.brand").waitFor({ state: "visible" });
      const painted = performance.now();
      expect(await page.title()).toBe("the great volcanoes of Tharsis");
      expect(await page.locator("header.site nav a").allTextContents()).toEqual([
        "Home",
        "Geology",
        "Missions",
      ]);
      // Nothing has come from the model yet.
      expect(firstToken).toBe(0);
      expect(await page.locator("main").count()).toBe(0);
      expect(painted - asked).toBeLessThan(FIRST_TOKEN_MS);
      await page.screenshot({ path: `${SHOTS}/memory-shell-first.png` });

      await page.locator("main h1").waitFor({ state: "visible" });
      expect(firstToken).toBeGreaterThan(0);
      await page.waitForLoadState("load");
      await site.app.generator.drain();
      expect(await page.locator("footer.site").textContent()).toContain("drawn by Ada Quill");
      expect(await page.content()).not.toContain("---MAPPINGS---");
      expect(site.store.getPage("/volcanoes.html")?.html).toContain(FOOTER);
      await page.screenshot({ path: `${SHOTS}/memory-shell-done.png` });
      await page.close();
    } finally {
      await server.stop();
      await site.close();
    }
  }, 20_000);
});

describe.skipIf(!hasChromium)("a page in the shell that fails, in a real browser", () => {
  let browser: Browser;
  if (hasChromium) {
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => await browser?.close());
  }

  // Before the first token (the shell's head is out: 200, then the notice) and mid-stream.
  const failures = {
    "before the first token": { httpError: { status: 500, type: "api_error" } },
    "in the middle of the content": {
      text: contentAnswer("/volcanoes.html", "Olympus Mons and its neighbours."),
      chunkSize: 20,
      errorAfterChunks: { after: 3 },
    },
  } as const;
  for (const [when, failure] of Object.entries(failures)) {
    test(`${when}: not cached, the notice says to reload, a reload retries after the cool-down`, async () => {
      let broken = true;
      const COOL_MS = 1500;
      const site = startSite({
        memory: true,
        failureCooldownMs: COOL_MS,
        handler: memoryHandler((key) =>
          key === "/volcanoes.html" && broken ? failure : undefined,
        ),
      });
      const server = listen(site);
      try {
        expect((await site.get("/")).status).toBe(200);
        const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
        const first = await page.goto(`${server.url}/volcanoes.html`);
        expect(first?.status()).toBe(200);
        const alert = page.getByRole("alert");
        await alert.waitFor({ state: "visible" });
        expect(await alert.textContent()).toContain("reload the page to try again");
        expect(await page.locator("header.site a.brand").isVisible()).toBe(true);
        await page.screenshot({ path: `${SHOTS}/memory-failed-${when.replaceAll(" ", "-")}.png` });
        expect(site.store.hasPage("/volcanoes.html")).toBe(false);
        // A reload within the cool-down is told when to come back, and costs nothing.
        broken = false;
        const calls = site.fake.calls;
        const cooling = await page.reload();
        expect(cooling?.status()).toBe(503);
        expect(await page.content()).toContain("can be tried again");
        expect(site.fake.calls).toBe(calls);
        // After it, the Retry link writes the page.
        await Bun.sleep(COOL_MS + 100);
        await page.getByRole("link", { name: "Retry" }).click();
        await page.locator("main h1").waitFor({ state: "visible" });
        await site.app.generator.drain();
        expect(site.store.getPage("/volcanoes.html")?.html).toContain(FOOTER);
        expect(await page.getByRole("alert").count()).toBe(0);
        await page.close();
      } finally {
        await server.stop();
        await site.close();
      }
    }, 20_000);
  }
});
