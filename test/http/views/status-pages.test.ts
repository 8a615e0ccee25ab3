import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import type { Browser, Page } from "playwright-core";
import { escapeHtml } from "../../../src/http/views/html.ts";
import { loadingPage } from "../../../src/http/views/loading-page.ts";
import {
  budgetPage,
  errorPage,
  failurePage,
  methodNotAllowedPage,
  notFoundPage,
  refusalPage,
} from "../../../src/http/views/status-pages.ts";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../../fixtures/browser.ts";

const HOSTILE = `/"><script>alert(1)</script><img src=x onerror=alert(2)>`;

function everyPage(key: string, reason = "upstream said no") {
  return {
    loading: loadingPage(key),
    notFound: notFoundPage(key),
    budget: budgetPage(),
    failure: failurePage(key, reason),
    refusal: refusalPage(key),
    methodNotAllowed: methodNotAllowedPage(),
    error: errorPage(414, "That address is too long", `Keep it under 1024 bytes: ${key}`),
  };
}

describe("server pages", () => {
  test("escapeHtml escapes the five HTML metacharacters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;",
    );
  });

  test.each(Object.entries(everyPage("/planets/mars.html")))(
    "%s is a whole document",
    (_, html) => {
      expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
      expect(html.trimEnd().endsWith("</html>")).toBe(true);
      expect(html).toContain('<meta charset="utf-8">');
      expect(html).toContain('name="viewport"');
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(html).toContain("prefers-color-scheme:dark");
      // Self-contained: nothing for the browser to fetch besides the page itself.
      expect(html).not.toMatch(/<link\b|\bsrc=|@import|url\((?!#)/);
      expect(html).toContain('href="/"');
    },
  );

  test.each(Object.entries(everyPage(HOSTILE, "<script>boom()</script>")))(
    "%s escapes hostile input",
    (name, html) => {
      expect(html).not.toContain("<script>alert");
      expect(html).not.toContain("<img src=x");
      expect(html).not.toContain("<script>boom");
      // Only the loading page carries a script, and only its own.
      expect(html.match(/<script/g)?.length ?? 0).toBe(name === "loading" ? 1 : 0);
    },
  );

  test("the failure page shows the reason, escaped", () => {
    const html = failurePage("/a.html", "<b>rate limited</b> & gave up");
    expect(html).toContain("&lt;b&gt;rate limited&lt;/b&gt; &amp; gave up");
  });

  test("retry links reload the same page and never leave the site", () => {
    expect(failurePage("/planets/mars.html", "x")).toContain('href="/planets/mars.html"');
    expect(refusalPage("/a b.html")).toContain('href="/a b.html"');
    for (const key of ["//evil.example/x", "/\\evil.example", "javascript:alert(1)"]) {
      const html = failurePage(key, "x");
      expect(html).not.toContain(`href="${escapeHtml(key)}"`);
    }
  });

  test("the loading page polls /__ready with the key encoded", () => {
    const html = loadingPage("/planets/mars.html");
    expect(html).toContain('"/__ready?url=%2Fplanets%2Fmars.html"');
    const odd = `/a b/ü?&#"</script>.html`;
    expect(loadingPage(odd)).toContain(`"/__ready?url=${encodeURIComponent(odd)}"`);
    expect(html).toContain("1000");
  });

  test("the loading page works without JavaScript", () => {
    const html = loadingPage("/x.html");
    const head = html.slice(0, html.indexOf("</head>"));
    expect(head).toContain('<noscript><meta http-equiv="refresh" content="5"></noscript>');
    expect(html).toMatch(/<body>[\s\S]*<noscript>[\s\S]*reloads itself[\s\S]*<\/noscript>/);
  });

  test("the animation respects reduced motion", () => {
    const html = loadingPage("/x.html");
    // Animations are declared only inside the no-preference block.
    const [outside = "", inside = ""] = html.split("prefers-reduced-motion:no-preference");
    expect(outside).not.toMatch(/animation:/);
    expect(inside).toMatch(/animation:/);
  });
});

warnIfNoChromium("browser tests of the server pages");
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const;
const KEY = "/planets/mars.html";
// Each scenario waits on real one-second polls; keep well clear of the 5 s default.
const SLOW = 30_000;

describe.skipIf(!hasChromium)("loading page in a real browser", () => {
  let browser: Browser;
  let server: Server<undefined> | undefined;

  // Hooks in a skipped block still show up as "(unnamed)" skips; register them only when needed.
  if (hasChromium) beforeAll(launch);
  if (hasChromium) afterAll(close);

  async function launch() {
    browser = await launchBrowser();
  }

  async function close() {
    await server?.stop(true);
    await browser?.close();
  }

  // Serves `page` at KEY and lets `ready` answer /__ready; records what the page asked for.
  function serve(ready: (n: number) => Response, page = () => loadingPage(KEY)) {
    const asked: string[] = [];
    let pageHits = 0;
    server?.stop(true);
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      development: false,
      fetch(req) {
        const url = new URL(req.url);
        if (url.pathname === "/__ready") {
          asked.push(url.searchParams.get("url") ?? "");
          return ready(asked.length);
        }
        if (url.pathname !== KEY) return new Response("no", { status: 404 });
        const html = pageHits === 0 ? loadingPage(KEY) : page();
        pageHits += 1;
        return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
      },
    });
    return { asked, url: `http://127.0.0.1:${server.port}${KEY}` };
  }

  // Nothing may keep spinning once the wait is over: the mark stands still and small.
  async function expectNoSpinner(page: Page) {
    expect(await page.evaluate(() => document.getAnimations().length)).toBe(0);
    expect(await page.locator("#spinner").getAttribute("class")).not.toContain("hole");
    const box = await page.locator("#spinner").boundingBox();
    expect(box?.width).toBeLessThan(100);
  }

  async function open(url: string, viewport: keyof typeof VIEWPORTS = "desktop"): Promise<Page> {
    const page = await browser.newPage({ viewport: VIEWPORTS[viewport] });
    await page.goto(url);
    return page;
  }

  const json = (body: unknown, status: number) => Response.json(body, { status });

  test(
    "202, 202, then failed: the failure message and Retry replace the spinner",
    async () => {
      const { asked, url } = serve((n) =>
        n <= 2 ? json({}, 202) : json({ state: "failed" }, 503),
      );
      const page = await open(url);
      await page.screenshot({ path: `${SHOTS}/loading-desktop.png` });
      const retry = page.getByRole("button", { name: "Retry" });
      await retry.waitFor({ state: "visible", timeout: 8000 });
      expect(await page.locator("h1").textContent()).toBe("This page could not be written");
      await expectNoSpinner(page);
      expect(await page.locator("#waiting").isVisible()).toBe(false);
      expect(asked).toEqual([KEY, KEY, KEY]);
      await page.screenshot({ path: `${SHOTS}/loading-failed-desktop.png` });
      await page.close();
    },
    SLOW,
  );

  test(
    "200: the page reloads and shows the finished page",
    async () => {
      const { url } = serve(
        () => new Response(null, { status: 200 }),
        () => "<!DOCTYPE html><html><body><h1>DONE</h1></body></html>",
      );
      const page = await open(url, "mobile");
      await page.getByRole("heading", { name: "DONE" }).waitFor({ timeout: 8000 });
      expect(await page.locator("#spinner").count()).toBe(0);
      await page.close();
    },
    SLOW,
  );

  test(
    "budget and unknown pages end the wait with a message and a way home",
    async () => {
      for (const [status, body, heading] of [
        [503, { state: "budget" }, "This site has stopped growing"],
        [404, {}, "There is no page here"],
      ] as const) {
        serve(() => json(body, status));
        const page = await open(`http://127.0.0.1:${server?.port}${KEY}`, "mobile");
        await page.getByRole("heading", { name: heading }).waitFor({ timeout: 8000 });
        expect(await page.getByRole("link", { name: "Go to the homepage" }).isVisible()).toBe(true);
        expect(await page.getByRole("button", { name: "Retry" }).isVisible()).toBe(false);
        await expectNoSpinner(page);
        await page.screenshot({ path: `${SHOTS}/loading-${status}-mobile.png` });
        await page.close();
      }
    },
    SLOW,
  );

  test(
    "network errors show a note and polling carries on until the page is ready",
    async () => {
      let up = false;
      const { url } = serve(
        () => new Response(null, { status: up ? 200 : 202 }),
        () => "<!DOCTYPE html><html><body><h1>DONE</h1></body></html>",
      );
      const page = await browser.newPage({ viewport: VIEWPORTS.mobile });
      await page.route("**/__ready*", (route) => (up ? route.continue() : route.abort()));
      await page.goto(url);
      await page.locator("#note").waitFor({ state: "visible", timeout: 8000 });
      expect(await page.evaluate(() => document.getAnimations().length)).toBeGreaterThan(0);
      await page.screenshot({ path: `${SHOTS}/loading-offline-mobile.png` });
      up = true;
      await page.getByRole("heading", { name: "DONE" }).waitFor({ timeout: 8000 });
      await page.close();
    },
    SLOW,
  );

  test(
    "the counter shows the time spent waiting, and a long wait says so",
    async () => {
      const { asked, url } = serve(() => json({}, 202));
      const page = await browser.newPage({ viewport: VIEWPORTS.desktop });
      await page.clock.install();
      await page.goto(url);
      await page.clock.runFor(3000);
      expect(await page.locator("#elapsed").textContent()).toBe("3 s");
      await page.clock.fastForward("01:30");
      await page.clock.runFor(1000);
      expect(await page.locator("#elapsed").textContent()).toBe("1 min 34 s");
      expect(await page.locator("#lead").textContent()).toContain("Still writing");
      // Polls wait on real fetches while the clock is fake: how many ran depends on load.
      expect(asked.length).toBeGreaterThan(0);
      await page.close();
    },
    SLOW,
  );

  test(
    "every page fits desktop and mobile, in light and dark",
    async () => {
      const pages = everyPage(KEY, "The API answered 529 Overloaded three times.");
      const page = await browser.newPage();
      for (const [viewport, size] of Object.entries(VIEWPORTS)) {
        await page.setViewportSize(size);
        for (const colorScheme of ["light", "dark"] as const) {
          await page.emulateMedia({ colorScheme });
          for (const [name, html] of Object.entries(pages)) {
            await page.setContent(html);
            const overflow = await page.evaluate(
              () => document.documentElement.scrollWidth - window.innerWidth,
            );
            expect(overflow).toBeLessThanOrEqual(0);
            await page.screenshot({ path: `${SHOTS}/${name}-${viewport}-${colorScheme}.png` });
          }
        }
      }
      await page.close();
    },
    SLOW * 2,
  );
});
