// The admin view in-process, on a real store and generator with the fake Anthropic upstream:
// who gets in, what it shows, what its actions do, and every way a cross-site request or a
// read-only method is refused.

import { afterEach, describe, expect, test } from "bun:test";
import { type SiteNode, ZERO_USAGE } from "../../../src/core/types.ts";
import { GENERATED_PAGE_SANDBOX } from "../../../src/http/respond/page-headers.ts";
import { rawPath } from "../../../src/http/respond/respond.ts";
import { createAdmin } from "../../../src/http/routes/admin/admin.ts";
import { buildTree } from "../../../src/http/views/admin/site-map.ts";
import { type Cluster, standalone } from "../../../src/store/litefs.ts";
import { htmlDoc, pageReply } from "../../fixtures/fake-anthropic.ts";
import { type Site, type SiteOptions, startSite, treeHandler } from "../../fixtures/site.ts";

const TOKEN = "correct-horse-battery-staple-admin";
const ORIGIN = "http://rabbithole.test";
const FORM = "application/x-www-form-urlencoded";
const HOUR = 3_600_000;

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

interface Setup extends SiteOptions {
  token?: string | null;
  cluster?: Cluster;
}

function setup(opts: Setup = {}) {
  // The site that writes the pages stays a primary; only the admin view sees `opts.cluster`.
  const s = startSite({ handler: treeHandler, ...opts, cluster: undefined });
  site = s;
  let now = Date.parse("2030-01-01T00:00:00Z");
  const make = (token: string | null) =>
    createAdmin({
      token,
      store: s.store,
      generator: s.app.generator,
      maxCostUsd: opts.maxCostUsd ?? null,
      cluster: opts.cluster ?? standalone,
      clock: { now: () => now },
      logger: s.logger,
    });
  const admin = make(opts.token === undefined ? TOKEN : opts.token);
  const call = (path: string, init?: RequestInit, handler = admin) =>
    handler(new Request(`${ORIGIN}${path}`, init), rawPath(`${ORIGIN}${path}`));
  const login = async (token = TOKEN, headers: Record<string, string> = {}) => {
    const body = new URLSearchParams({ token });
    const res = await call("/__admin/login", {
      method: "POST",
      body,
      headers: { origin: ORIGIN, "content-type": FORM, ...headers },
    });
    return { res, cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
  };
  const session = async () => {
    const { cookie } = await login();
    const page = await (await call("/__admin", { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    return { cookie, csrf };
  };
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string>) =>
    call(path, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { origin: ORIGIN, "content-type": FORM, ...headers },
    });
  const crawl = async (...paths: string[]) => {
    for (const p of paths) expect((await s.get(p)).status).toBe(200);
  };
  const advance = (ms: number) => {
    now += ms;
  };
  return { s, admin, make, call, login, session, post, crawl, advance };
}

function expectSecured(res: Response): void {
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("referrer-policy")).toBe("same-origin");
  const csp = res.headers.get("content-security-policy") ?? "";
  for (const part of ["default-src 'none'", "form-action 'self'", "frame-ancestors 'none'"]) {
    expect(csp).toContain(part);
  }
  expect(csp).toMatch(/style-src 'sha256-[^']+' 'sha256-[^']+'/);
}

describe("who gets in", () => {
  test("admin off: every /__admin path is 404, whatever the credentials", async () => {
    const { call, crawl, s } = setup({ token: null });
    await crawl("/");
    const bearer = { authorization: `Bearer ${TOKEN}` };
    for (const [path, method] of [
      ["/__admin", "GET"],
      ["/__admin/login", "GET"],
      ["/__admin/login", "POST"],
      ["/__admin/purge", "POST"],
    ] as const) {
      const res = await call(path, {
        method,
        headers: bearer,
        body: method === "POST" ? "key=/" : null,
      });
      expect(res.status).toBe(404);
      expectSecured(res);
    }
    expect(s.store.getPage("/")).not.toBeNull();
  });

  test("without a session: 401 with a way to sign in; the sign-in page itself is 200", async () => {
    const { call } = setup();
    const res = await call("/__admin");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect(await res.text()).toContain('href="/__admin/login"');
    expectSecured(res);
    const form = await call("/__admin/login");
    expect(form.status).toBe(200);
    expect(await form.text()).toMatch(/<form class="login" method="post"/);
    expect((await call("/__admin/purge", { method: "POST" })).status).toBe(401);
    expect((await call("/__admin/nope")).status).toBe(401);
  });

  test("a wrong token is 401 and a warning that never holds a token", async () => {
    const { login, call, s } = setup();
    const wrong = "correct-horse-battery-staplf-admin";
    const { res } = await login(wrong);
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.text()).toContain("That is not the admin token.");
    const bearer = await call("/__admin", { headers: { authorization: `Bearer ${wrong}` } });
    expect(bearer.status).toBe(401);
    // Within a minute of the first, later guesses are counted into the next line, not logged.
    const warnings = s.logger.lines.filter((l) => l.level === "warn");
    expect(warnings.length).toBe(1);
    expect(String(warnings[0]?.args[0])).toContain("wrong token");
    const logged = JSON.stringify(s.logger.lines);
    expect(logged).not.toContain(wrong);
    expect(logged).not.toContain(TOKEN);
  });

  test("the right token gets a session cookie with the required attributes", async () => {
    const { login, call } = setup();
    const { res, cookie } = await login();
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/__admin");
    expectSecured(res);
    const set = res.headers.get("set-cookie") ?? "";
    for (const attr of ["HttpOnly", "SameSite=Strict", "Path=/__admin", "Max-Age=43200"]) {
      expect(set).toContain(attr);
    }
    expect(set).not.toContain("Secure");
    expect(set).not.toContain(TOKEN);
    expect((await call("/__admin", { headers: { cookie } })).status).toBe(200);
    // Signed in already: the sign-in page sends the operator on.
    expect((await call("/__admin/login", { headers: { cookie } })).status).toBe(303);

    const https = await login(TOKEN, { "x-forwarded-proto": "https" });
    expect(https.res.headers.get("set-cookie")).toContain("; Secure");
  });

  test("a tampered, expired or old-token cookie is 401", async () => {
    const { login, call, advance, make } = setup();
    const { cookie } = await login();
    const get = (c: string, handler?: ReturnType<typeof createAdmin>) =>
      call("/__admin", { headers: { cookie: c } }, handler).then((r) => r.status);
    const [name, value = ""] = cookie.split("=");
    const [v, expiry = "", nonce = "", mac = ""] = value.split(".");
    const flip = (t: string) => t.slice(0, -1) + (t.endsWith("A") ? "B" : "A");
    expect(await get(`${name}=${v}.${expiry}.${nonce}.${flip(mac)}`)).toBe(401);
    expect(await get(`${name}=${v}.${Number(expiry) + 86_400}.${nonce}.${mac}`)).toBe(401);
    expect(await get(`${name}=${v}.${expiry}.${flip(nonce)}.${mac}`)).toBe(401);
    expect(await get(`${name}=garbage`)).toBe(401);
    // Changing RABBITHOLE_ADMIN_TOKEN signs every session out.
    expect(await get(cookie, make("a-new-admin-token-after-rotation"))).toBe(401);
    expect(await get(cookie)).toBe(200);
    advance(12 * HOUR + 1000);
    expect(await get(cookie)).toBe(401);
  });

  test("a script's Bearer token reads and acts without cookie, Origin or CSRF", async () => {
    const { call, crawl, s } = setup();
    await crawl("/");
    const authorization = `Bearer ${TOKEN}`;
    expect((await call("/__admin", { headers: { authorization } })).status).toBe(200);
    const json = await call("/__admin/status.json", { headers: { authorization } });
    const status = (await json.json()) as { stats: { pages: number }; siteMap: unknown[] };
    expect(status.stats.pages).toBe(1);
    expect(status.siteMap.length).toBe(3);
    const res = await call("/__admin/purge", {
      method: "POST",
      body: "key=/",
      headers: { authorization, "content-type": FORM },
    });
    expect(res.status).toBe(303);
    expect(s.store.getPage("/")).toBeNull();
  });

  test("signing out clears the cookie and revokes the session: a copy of it is refused", async () => {
    const { session, post, call } = setup();
    const { cookie, csrf } = await session();
    const other = await session();
    const res = await post("/__admin/logout", { csrf }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await call("/__admin", { headers: { cookie } })).status).toBe(401);
    expect((await post("/__admin/purge", { csrf, key: "/" }, { cookie })).status).toBe(401);
    // Another sign-in's session is its own.
    expect((await call("/__admin", { headers: { cookie: other.cookie } })).status).toBe(200);
  });

  test("wrong tokens are throttled per client, and a flood is one log line a minute", async () => {
    const { login, call, advance, s, admin } = setup();
    const wrong = "correct-horse-battery-staplf-admin";
    for (let i = 0; i < 10; i++) expect((await login(wrong)).res.status).toBe(401);
    const limited = await login(wrong);
    expect(limited.res.status).toBe(429);
    expect(Number(limited.res.headers.get("retry-after"))).toBeGreaterThan(500);
    // Even the right token waits out the window: a guess that succeeds is still a guess.
    expect((await login()).res.status).toBe(429);
    const bearer = { authorization: `Bearer ${TOKEN}` };
    expect((await call("/__admin", { headers: bearer })).status).toBe(401);
    for (let i = 0; i < 200; i++) await login(wrong);
    expect(s.logger.lines.filter((l) => l.level === "warn")).toHaveLength(1);
    // Another client is not held back by this one's guesses.
    const elsewhere = new Request(`${ORIGIN}/__admin/login`, {
      method: "POST",
      body: new URLSearchParams({ token: TOKEN }),
      headers: { origin: ORIGIN, "content-type": FORM },
    });
    expect((await admin(elsewhere, "/__admin/login", "2001:db8::1")).status).toBe(303);
    advance(10 * 60_000);
    expect((await login()).res.status).toBe(303);
  });
});

describe("the dashboard", () => {
  test("shows totals, spend, flights and the map of generated and frontier nodes", async () => {
    const { call, crawl, session, s } = setup({ maxCostUsd: 1 });
    await crawl("/", "/p-a.html");
    // A slow page, under way while the dashboard is read.
    s.fake.setHandler(() => ({ text: pageReply(htmlDoc("Slow")), chunkDelayMs: 30 }));
    const live = await s.request("/p-b.html");
    const { cookie } = await session();
    const res = await call("/__admin", { headers: { cookie } });
    expectSecured(res);
    const page = await res.text();
    const card = (k: string, n: string) => `<span class="k">${k}</span><span class="n">${n}</span>`;
    for (const [k, n] of [
      ["Pages", "2"],
      ["Mappings", "5"],
      ["Frontier", "3"],
      ["Attempts", "2"],
    ]) {
      expect(page).toContain(card(k as string, n as string));
    }
    expect(page).toMatch(/\d+% of \$1\.00/);
    expect(page).toContain('<span class="pill primary">primary</span>');
    const node = (key: string, state: string) => `data-key="${key}" data-state="${state}"`;
    expect(page).toContain(node("/", "generated"));
    expect(page).toContain(node("/p-a.html", "generated"));
    expect(page).toContain(node("/p-a-a.html", "frontier"));
    expect(page).toContain(node("/p-b.html", "live"));
    expect(page).toMatch(/<tr data-key="\/p-b\.html"><td><code>\/p-b\.html<\/code><\/td>/);
    expect(page).toContain('aria-label="Purge /p-a.html"');
    await live.text();
  });

  test("splits the spend by provider and model, every attempt counted", async () => {
    const { call, crawl, session, s } = setup();
    await crawl("/");
    s.store.recordAttempt({
      key: "/p-a.html",
      provider: "openai",
      model: "qwen3:8b",
      usage: { ...ZERO_USAGE, inputTokens: 1200, outputTokens: 300 },
      costUsd: 0,
      rounds: 1,
      outcome: "error",
      error: "x",
      startedAt: 0,
      durationMs: 1,
    });
    const { cookie } = await session();
    const page = await (await call("/__admin", { headers: { cookie } })).text();
    const models = page.slice(page.indexOf('<section id="models">'));
    expect(models).toContain("<h2>Spend by model</h2>");
    const row = (provider: string, model: string) =>
      new RegExp(`<tr><td>${provider}</td><td><code>${model}</code></td><td class="num">1</td>`);
    expect(models).toMatch(row("anthropic", "claude-sonnet-4-6"));
    expect(models).toMatch(row("openai", "qwen3:8b"));
    expect(models).toContain(
      '<td class="num">1,200</td><td class="num">300</td><td class="num">$0</td>',
    );
  });

  test("shows the site bible, escaped, and says when there is none", async () => {
    const { call, session, s } = setup();
    const { cookie } = await session();
    const read = () => call("/__admin", { headers: { cookie } }).then((r) => r.text());
    expect(await read()).toContain('Site bible</h2><p class="hint">None yet');
    s.store.memory.setBible("Name: <Moths>\nNavigation: Home /", "operator", []);
    expect(await read()).toContain(
      '<pre class="bible">Name: &lt;Moths&gt;\nNavigation: Home /</pre>',
    );
  });

  test("no cap says so; a flash shows escaped; an unknown flash shows nothing", async () => {
    const { call, session } = setup();
    const { cookie } = await session();
    const read = (q: string) => call(`/__admin${q}`, { headers: { cookie } }).then((r) => r.text());
    expect(await read("")).toContain("no cap");
    const evil = encodeURIComponent("<script>alert(1)</script>");
    const flashed = await read(`?done=purged&key=${evil}`);
    expect(flashed).toContain("Purged <code>&lt;script&gt;alert(1)&lt;/script&gt;</code>");
    expect(flashed).not.toContain("<script>alert");
    expect(await read("?done=pwned&key=x")).not.toContain('class="flash');
  });
});

describe("actions", () => {
  test("purge: the page goes, its mapping stays, the next visit writes it again", async () => {
    const { crawl, session, post, s } = setup();
    await crawl("/", "/p-a.html");
    const { cookie, csrf } = await session();
    const res = await post("/__admin/purge", { key: "/p-a.html", csrf }, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/__admin?done=purged&key=%2Fp-a.html");
    expect(s.store.getPage("/p-a.html")).toBeNull();
    expect(s.store.getMapping("/p-a.html")).not.toBeNull();
    const calls = s.fake.calls;
    await crawl("/p-a.html");
    expect(s.fake.calls).toBe(calls + 1);
    expect(s.store.getPage("/p-a.html")).not.toBeNull();
  });

  test("regenerate: one upstream call, even clicked twice, and the page is back", async () => {
    const { crawl, session, post, s } = setup();
    await crawl("/");
    const calls = s.fake.calls;
    s.fake.setHandler(() => ({ text: pageReply(htmlDoc("Rewritten")), chunkDelayMs: 10 }));
    const { cookie, csrf } = await session();
    for (let i = 0; i < 2; i++) {
      const res = await post("/__admin/regenerate", { key: "/", csrf }, { cookie });
      expect(res.headers.get("location")).toBe("/__admin?done=regenerating&key=%2F");
    }
    expect(s.app.generator.get("/")).toBeDefined();
    // Purged at once: visitors meanwhile join the new writing instead of the old copy.
    expect(s.store.getPage("/")).toBeNull();
    await s.app.generator.drain();
    expect(s.fake.calls).toBe(calls + 1);
    expect(s.store.getPage("/")?.html).toContain("Rewritten");
  });

  test("regenerate with the budget spent is refused and keeps the cached page", async () => {
    const { crawl, session, post, s } = setup({ maxCostUsd: 1 });
    await crawl("/");
    const usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
    s.store.recordAttempt({
      ...{ key: "/x", model: "m", costUsd: 5, rounds: 1, outcome: "error", error: "spent" },
      ...{ usage: { ...usage, webSearches: 0 }, startedAt: 0, durationMs: 0 },
    });
    const calls = s.fake.calls;
    const { cookie, csrf } = await session();
    const res = await post("/__admin/regenerate", { key: "/", csrf }, { cookie });
    expect(res.headers.get("location")).toBe("/__admin?done=budget&key=%2F");
    expect(s.store.getPage("/")).not.toBeNull();
    expect(s.fake.calls).toBe(calls);
  });

  test("on a replica an action is replayed to the primary (409 fly-replay)", async () => {
    const replica: Cluster = { role: () => ({ primary: false, host: "primary-machine" }) };
    const { crawl, session, post, call, s } = setup({ cluster: replica });
    await crawl("/");
    const { cookie, csrf } = await session();
    const res = await post("/__admin/purge", { key: "/", csrf }, { cookie });
    expect(res.status).toBe(409);
    expect(res.headers.get("fly-replay")).toBe("instance=primary-machine");
    expectSecured(res);
    const again = await post(
      "/__admin/purge",
      { key: "/", csrf },
      { cookie, "fly-replay-src": "x" },
    );
    expect(again.status).toBe(503);
    expect(s.store.getPage("/")).not.toBeNull();
    const page = await (await call("/__admin", { headers: { cookie } })).text();
    expect(page).toContain("replica · primary is primary-machine");
  });
});

describe("cross-site requests and read-only methods change nothing", () => {
  test("a POST from another site, or without the form's token, is 403", async () => {
    const { crawl, session, post, call, s, login } = setup();
    await crawl("/");
    const { cookie, csrf } = await session();
    const other = await session();
    const refused = [
      post("/__admin/purge", { key: "/", csrf }, { cookie, origin: "https://evil.example" }),
      post("/__admin/purge", { key: "/", csrf }, { cookie, origin: "null" }),
      post("/__admin/purge", { key: "/", csrf }, { cookie, "sec-fetch-site": "cross-site" }),
      post("/__admin/purge", { key: "/" }, { cookie }),
      post("/__admin/purge", { key: "/", csrf: `${csrf}x` }, { cookie }),
      post("/__admin/purge", { key: "/", csrf: other.csrf }, { cookie }),
      post("/__admin/regenerate", { key: "/", csrf }, { cookie, origin: "http://evil.test" }),
      post("/__admin/logout", { csrf }, { cookie, origin: "http://evil.test" }),
    ];
    for (const res of await Promise.all(refused)) {
      expect(res.status).toBe(403);
      expectSecured(res);
    }
    const bare = (headers: Record<string, string>) =>
      call("/__admin/purge", {
        method: "POST",
        body: new URLSearchParams({ key: "/", csrf }),
        headers: { cookie, "content-type": FORM, ...headers },
      });
    expect((await bare({})).status).toBe(403);
    expect((await bare({ referer: "https://evil.example/page" })).status).toBe(403);
    expect(s.store.getPage("/")).not.toBeNull();
    // Login CSRF: another site cannot sign a browser in either.
    const { res } = await login(TOKEN, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
    // Without Origin, a Referer from this site stands in for it.
    expect((await bare({ referer: `${ORIGIN}/__admin` })).status).toBe(303);
    expect(s.store.getPage("/")).toBeNull();
  });

  test("GET and HEAD never act: actions are 405, HEAD of the dashboard has no body", async () => {
    const { crawl, session, call, s } = setup();
    await crawl("/");
    const { cookie } = await session();
    const before = JSON.stringify(s.store.stats());
    const calls = s.fake.calls;
    for (const method of ["GET", "HEAD"]) {
      for (const path of ["/__admin/purge", "/__admin/regenerate", "/__admin/logout"]) {
        const res = await call(`${path}?key=/`, { method, headers: { cookie } });
        expect(res.status).toBe(405);
        expect(res.headers.get("allow")).toBe("POST");
      }
    }
    const head = await call("/__admin", { method: "HEAD", headers: { cookie } });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await call("/__admin", { method: "PUT", headers: { cookie } })).status).toBe(405);
    expect(JSON.stringify(s.store.stats())).toBe(before);
    expect(s.fake.calls).toBe(calls);
    expect(s.store.getPage("/")).not.toBeNull();
  });
});

describe("pieces", () => {
  test("the sandbox for generated pages keeps them off the site's origin", () => {
    expect(GENERATED_PAGE_SANDBOX).toStartWith("sandbox allow-scripts");
    expect(GENERATED_PAGE_SANDBOX).not.toContain("allow-same-origin");
  });

  test("the tree: orphans become roots, a cycle is cut, subtree totals add up", () => {
    const node = (key: string, parent: string | null, generated: boolean): SiteNode => ({
      ...{ key, parent, generated, depth: 1, bytes: generated ? 10 : null },
      ...{ costUsd: generated ? 0.5 : null, model: null, createdAt: 0 },
    });
    const roots = buildTree([
      node("/", null, true),
      node("/a", "/", true),
      node("/a/x", "/a", false),
      node("/b", "/", false),
      node("/lost", "/gone", true),
      node("/c1", "/c2", true),
      node("/c2", "/c1", false),
    ]);
    expect(roots.map((r) => r.key)).toEqual(["/", "/lost", "/c1"]);
    expect(roots[0]?.total).toEqual({ pages: 2, frontier: 2, costUsd: 1 });
    expect(roots[2]?.children.map((c) => c.key)).toEqual(["/c2"]);
    expect(roots[2]?.children[0]?.children).toEqual([]);
  });
});
