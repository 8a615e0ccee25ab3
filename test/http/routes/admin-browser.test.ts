// The admin view in a real Chromium: an operator signs in through the form, reads the map of
// the site and purges a page with its button; and a generated page served with
// GENERATED_PAGE_SANDBOX cannot use its visitor's admin session, while the same script
// without the sandbox could (the control that shows the threat is real).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { GENERATED_PAGE_SANDBOX } from "../../../src/http/respond/page-headers.ts";
import { rawPath } from "../../../src/http/respond/respond.ts";
import { createAdmin } from "../../../src/http/routes/admin/admin.ts";
import { standalone } from "../../../src/store/litefs.ts";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../../fixtures/browser.ts";
import { htmlDoc, pageReply } from "../../fixtures/fake-anthropic.ts";
import { keyOf, type Site, startSite, treeHandler } from "../../fixtures/site.ts";

warnIfNoChromium("browser tests of the admin view");

const TOKEN = "browser-test-admin-token-0123456789";
const CRAWL = ["/", "/p-a.html", "/p-b.html", "/p-a-a.html", "/p-a-b.html", "/p-a-a-a.html"];

interface Seen {
  method: string;
  path: string;
  cookie: boolean;
  origin: string | null;
  status: number;
}

// What a hostile generated page would try: read the dashboard (and its CSRF token), then purge.
const probe = (target: string) => `
const out = document.getElementById("out");
const attempt = async (fn) => {
  try { return await fn(); } catch (e) { return { error: String(e) }; }
};
(async () => {
  const read = await attempt(async () => {
    const r = await fetch("/__admin", { credentials: "include" });
    const t = await r.text();
    const csrf = (/name="csrf" value="([^"]+)"/.exec(t) || [])[1] || "";
    return { status: r.status, dashboard: t.includes("Site map"), csrf };
  });
  const body = new URLSearchParams({ key: ${JSON.stringify(target)}, csrf: read.csrf || "" });
  const purge = await attempt(async () => {
    const r = await fetch("/__admin/purge", { method: "POST", credentials: "include", body });
    return { status: r.status, flash: (await r.text()).includes("Purged") };
  });
  const blind = await attempt(async () => {
    const init = { method: "POST", mode: "no-cors", credentials: "include", body };
    await fetch("/__admin/purge", init);
    return { sent: true };
  });
  out.textContent = JSON.stringify({ read, purge, blind });
  out.dataset.done = "1";
})();`;

const probePage = (target: string) =>
  `<!DOCTYPE html><html><body><pre id="out"></pre><script>${probe(target)}</script></body></html>`;
const formPage = `<!DOCTYPE html><html><body><form id="f" method="post" action="/__admin/purge">
<input name="key" value="/"></form><script>document.getElementById("f").submit()</script>
</body></html>`;

function serve(site: Site, seen: Seen[]) {
  const admin = createAdmin({
    token: TOKEN,
    store: site.store,
    generator: site.app.generator,
    maxCostUsd: 1,
    cluster: standalone,
    clock: { now: Date.now },
    logger: site.logger,
  });
  const page = (body: string, headers: Record<string, string> = {}) =>
    new Response(body, { headers: { "content-type": "text/html; charset=utf-8", ...headers } });
  const sandbox = { "content-security-policy": GENERATED_PAGE_SANDBOX };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    development: false,
    async fetch(req) {
      const path = rawPath(req.url);
      if (path.startsWith("/__admin")) {
        const res = await admin(req, path);
        const { method } = req;
        const cookie = (req.headers.get("cookie") ?? "").includes("rabbithole_admin=");
        seen.push({ method, path, cookie, origin: req.headers.get("origin"), status: res.status });
        return res;
      }
      // Stand-ins for generated pages, served as the app serves them while the admin is on.
      if (path === "/sandboxed.html") return page(probePage("/"), sandbox);
      if (path === "/sandboxed-form.html") return page(formPage, sandbox);
      if (path === "/unsandboxed.html") return page(probePage("/p-a-a-a.html"));
      return site.app.fetch(req);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

async function signIn(page: Page, url: string): Promise<void> {
  const first = await page.goto(`${url}/__admin`);
  expect(first?.status()).toBe(401);
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.locator("#token").fill(TOKEN);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/__admin`);
}

/** Console errors (a CSP violation is one) collected for a page. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
  return errors;
}

describe.skipIf(!hasChromium)("admin view in a real browser", () => {
  let browser: Browser;
  let site: Site;
  let server: ReturnType<typeof serve>;
  const seen: Seen[] = [];

  beforeAll(async () => {
    site = startSite({ handler: treeHandler, maxCostUsd: 1, depthLimit: 5 });
    for (const path of CRAWL) expect((await site.get(path)).status).toBe(200);
    server = serve(site, seen);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await site?.close();
  });

  test("an operator signs in, reads the site map and purges a page", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = consoleErrors(page);
    await page.goto(`${server.url}/__admin/login`);
    await page.screenshot({ path: `${SHOTS}/admin-login.png` });
    await signIn(page, server.url);

    const map = page.locator("#map");
    await expect(map.locator("[data-state=generated]").count()).resolves.toBe(CRAWL.length);
    // The links the crawled pages promised and nobody has opened: 2 per page, 5 of them opened.
    await expect(map.locator("[data-state=frontier]").count()).resolves.toBe(7);
    await map.locator('[data-key="/p-a-b.html"]').waitFor({ state: "visible" });
    await page.screenshot({ path: `${SHOTS}/admin-desktop.png`, fullPage: true });

    await page.getByRole("button", { name: "Purge /p-b.html" }).click();
    await page.waitForURL(/\/__admin\?done=purged/);
    await page.locator(".flash", { hasText: "Purged /p-b.html" }).waitFor();
    expect(site.store.getPage("/p-b.html")).toBeNull();
    expect(site.store.getMapping("/p-b.html")).not.toBeNull();
    await expect(map.locator('[data-key="/p-b.html"]').getAttribute("data-state")).resolves.toBe(
      "frontier",
    );
    await page.screenshot({ path: `${SHOTS}/admin-after-purge.png`, fullPage: true });

    // The same session on a phone, and in the dark.
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      colorScheme: "dark",
    });
    await phone.addCookies(await context.cookies());
    const mobile = await phone.newPage();
    errors.push(...consoleErrors(mobile));
    await mobile.goto(`${server.url}/__admin`);
    await mobile.locator("#map").waitFor();
    await mobile.screenshot({ path: `${SHOTS}/admin-mobile.png`, fullPage: true });
    // The only error is the 401 signIn() asks for on purpose: no CSP violation, for one.
    expect(errors.filter((e) => !e.includes("status of 401"))).toEqual([]);
    await phone.close();
    await context.close();
  }, 30_000);

  test("a generated page in the sandbox cannot use its visitor's admin session", async () => {
    const context: BrowserContext = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, server.url);
    const results = async (path: string) => {
      await page.goto(`${server.url}${path}`);
      await page.locator("#out[data-done]").waitFor({ state: "attached" });
      return JSON.parse((await page.locator("#out").textContent()) ?? "{}");
    };

    // Control: without the sandbox, a page's script reads the dashboard and purges a page.
    expect(site.store.getPage("/p-a-a-a.html")).not.toBeNull();
    const open = await results("/unsandboxed.html");
    expect(open.read).toMatchObject({ status: 200, dashboard: true });
    expect(open.purge).toMatchObject({ status: 200, flash: true });
    expect(site.store.getPage("/p-a-a-a.html")).toBeNull();

    // With it, the same script reads nothing and purges nothing.
    seen.length = 0;
    const boxed = await results("/sandboxed.html");
    expect(boxed.read.error).toContain("TypeError");
    expect(boxed.purge.error).toContain("TypeError");
    expect(boxed.blind).toEqual({ sent: true });
    expect(site.store.getPage("/")).not.toBeNull();
    // The requests did arrive, but without the cookie, from the opaque origin, and were refused.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const s of seen) {
      expect(s).toMatchObject({ cookie: false });
      expect(s.status === 401 || s.origin === "null").toBe(true);
    }

    // A plain form post from the sandbox (the classic cross-site request) is refused as well.
    seen.length = 0;
    await page.goto(`${server.url}/sandboxed-form.html`);
    await page.waitForURL(`${server.url}/__admin/purge`);
    expect(seen).toMatchObject([{ method: "POST", path: "/__admin/purge", cookie: false }]);
    expect([401, 403]).toContain(seen[0]?.status ?? 0);
    expect(site.store.getPage("/")).not.toBeNull();
    await context.close();
  }, 30_000);

  test("a site of a few hundred nodes folds its deep levels", async () => {
    const wide = startSite({
      handler: (body) => {
        const key = keyOf(body);
        const base = key === "/" ? "" : key.replace(/\.html$/, "");
        const kids = "abcdefgh".split("").map((c) => `${base}/${c}.html`);
        const doc = htmlDoc(`Page ${key}`);
        return pageReply(
          doc,
          kids.map((k) => ({ url: k, prompt: `The page ${k}` })),
        );
      },
    });
    const paths = ["/", ..."abcdefgh".split("").map((c) => `/${c}.html`)];
    paths.push(..."abcdef".split("").flatMap((c) => ["a", "b", "c"].map((d) => `/${c}/${d}.html`)));
    for (const path of paths) expect((await wide.get(path)).status).toBe(200);
    const seenWide: Seen[] = [];
    const srv = serve(wide, seenWide);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, srv.url);
    const nodes = await page.locator("#map [data-state]").count();
    expect(nodes).toBe(1 + 8 + 64 + 18 * 8);
    await page.screenshot({ path: `${SHOTS}/admin-large.png`, fullPage: true });
    // The top levels are open; deeper ones are in the page, folded away.
    const visible = await page.locator("#map [data-state]:visible").count();
    console.log({ nodes, visible, rows: await page.locator("#map .row:visible").count() });
    expect(visible).toBeLessThan(nodes);
    await context.close();
    await srv.stop();
    await wide.close();
  }, 30_000);
});
