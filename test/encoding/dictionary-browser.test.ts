// Compression Dictionary Transport in a real Chromium: the homepage becomes the dictionary, the
// next page arrives as dcz and renders, and the homepage is still revalidated on each visit.
// What Chromium 156 requires (measured): a secure context (127.0.0.1 counts), a dictionary
// response that is fresh or within stale-while-revalidate (no-cache is never registered), and
// the feature is on by default, headless included: no flag needed.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { createOfflineClient } from "../../src/llm/offline.ts";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../fixtures/browser.ts";
import { type Site, startSite } from "../fixtures/site.ts";

warnIfNoChromium("the browser test of dictionary compression");

interface Seen {
  path: string;
  dest: string | null;
  availableDictionary: string | null;
  status: number;
  encoding: string | null;
}

describe.skipIf(!hasChromium)("dcz in a real browser", () => {
  let browser: Browser;
  let site: Site;
  let server: ReturnType<typeof Bun.serve>;
  // The server's own record of what each request offered and what it was sent.
  const seen: Seen[] = [];
  let child = "";
  if (hasChromium) {
    beforeAll(async () => {
      site = startSite({
        llm: createOfflineClient({ chunkDelayMs: 0 }),
        seed: "A field guide to moths",
      });
      await site.get("/");
      await site.app.generator.drain();
      const home = site.store.getPage("/")?.html ?? "";
      child = /href="(\/[^"]+\.html)"/.exec(home.slice(home.indexOf("<main")))?.[1] ?? "";
      await site.get(child);
      await site.app.generator.drain();
      server = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        development: false,
        fetch: async (req, srv) => {
          const res = await site.app.fetch(req, srv);
          seen.push({
            path: new URL(req.url).pathname,
            dest: req.headers.get("sec-fetch-dest"),
            availableDictionary: req.headers.get("available-dictionary"),
            status: res.status,
            encoding: res.headers.get("content-encoding"),
          });
          return res;
        },
      });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop(true);
      await site?.close();
    });
  }

  test("the page after the homepage arrives as dcz, decoded and rendered", async () => {
    expect(site.store.getPage(child)?.dcz).not.toBeNull();
    const url = `http://127.0.0.1:${server.port}`;
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    type Wire = { url?: string; encoding?: string; bytes?: number };
    const wire = new Map<string, Wire>();
    const at = (id: string): Wire => {
      const w = wire.get(id) ?? {};
      wire.set(id, w);
      return w;
    };
    cdp.on("Network.responseReceived", (e) => {
      at(e.requestId).url = e.response.url;
    });
    cdp.on("Network.responseReceivedExtraInfo", (e) => {
      const h = Object.fromEntries(Object.entries(e.headers).map(([k, v]) => [k.toLowerCase(), v]));
      at(e.requestId).encoding = String(h["content-encoding"] ?? "identity");
    });
    cdp.on("Network.loadingFinished", (e) => {
      at(e.requestId).bytes = e.encodedDataLength;
    });

    await page.goto(`${url}/`);
    await page.locator(`main a[href="${child}"]`).first().click();
    await page.waitForURL(`${url}${child}`);
    await page.waitForLoadState("load");
    // Rendered from the dcz bytes: the page's own heading and every paragraph of it.
    const stored = site.store.getPage(child)?.html ?? "";
    const h1 = /<h1[^>]*>([^<]*)<\/h1>/.exec(stored)?.[1] ?? "";
    expect(h1.length).toBeGreaterThan(0);
    expect((await page.locator("h1").first().textContent())?.trim()).toBe(h1.trim());
    expect(await page.locator("p").count()).toBe((stored.match(/<p[\s>]/g) ?? []).length);
    await page.screenshot({ path: `${SHOTS}/dcz-child.png` });

    const nav = [...wire.values()].find((w) => w.url === `${url}${child}`);
    expect(nav?.encoding).toBe("dcz");
    const sent = seen.find((s) => s.path === child);
    expect(sent).toMatchObject({ dest: "document", status: 200, encoding: "dcz" });
    expect(sent?.availableDictionary).toBe(`:${site.store.getPage(child)?.dcz_dict}:`);
    // On the wire: the dcz body plus headers, well under the page's size.
    expect(nav?.bytes ?? Infinity).toBeLessThan(Buffer.byteLength(stored) / 2);

    // match-dest=("document"): a script's fetch() of the same page offers no dictionary. (The
    // page is sandboxed, so its fetches are cross-origin: no-cors, an opaque answer.)
    await page.evaluate(async (p) => (await fetch(p, { mode: "no-cors" })).type, child);
    expect(seen.at(-1)).toMatchObject({ path: child, dest: "empty", availableDictionary: null });

    // Back to the homepage: asked of the server again (a purge would show), not served stale.
    const before = seen.filter((s) => s.path === "/").length;
    await page.goto(`${url}/`);
    const homes = seen.filter((s) => s.path === "/");
    expect(homes.length).toBe(before + 1);
    expect(homes.at(-1)?.status).toBe(304);
    await page.close();
  }, 30_000);
});
