// The admin view's versions page and rollback action, in-process: who may roll back (a session
// with its CSRF token, from this site), what a replica does (replays it to the primary), and
// what the pages show.

import { afterEach, expect, test } from "bun:test";
import { rawPath } from "../../../src/http/respond/respond.ts";
import { createAdmin } from "../../../src/http/routes/admin/admin.ts";
import { standalone } from "../../../src/store/litefs.ts";
import { type Site, startSite, treeHandler } from "../../fixtures/site.ts";

const TOKEN = "admin-versions-test-token-0123456789";
const ORIGIN = "http://rabbithole.test";
const FORM = "application/x-www-form-urlencoded";

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

async function setup(primary = true) {
  const s = startSite({ handler: treeHandler });
  site = s;
  const admin = createAdmin({
    token: TOKEN,
    store: s.store,
    generator: s.app.generator,
    maxCostUsd: null,
    cluster: primary ? standalone : { role: () => ({ primary: false, host: "primary-machine" }) },
    clock: { now: Date.now },
    logger: s.logger,
  });
  const call = (path: string, init?: RequestInit) =>
    admin(new Request(`${ORIGIN}${path}`, init), rawPath(`${ORIGIN}${path}`));
  const login = await call("/__admin/login", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN }),
    headers: { origin: ORIGIN, "content-type": FORM },
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const dashboard = await (await call("/__admin", { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(dashboard)?.[1] ?? "";
  const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    call("/__admin/rollback", {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { origin: ORIGIN, "content-type": FORM, cookie, ...headers },
    });
  // A page with a kept version: written, then purged.
  expect((await s.get("/")).status).toBe(200);
  s.store.purge(["/"]);
  return { s, call, cookie, csrf, post };
}

test("the dashboard lists kept versions; the versions page offers each kept one", async () => {
  const { call, cookie } = await setup();
  const dashboard = await (await call("/__admin", { headers: { cookie } })).text();
  expect(dashboard).toContain(
    '<tr data-key="/"><td><a class="key" href="/__admin/versions?key=%2F">/</a></td><td class="num">1</td><td>purged</td></tr>',
  );
  const page = await call("/__admin/versions?key=/index.html", { headers: { cookie } });
  expect(page.status).toBe(200);
  expect(page.headers.get("cache-control")).toBe("no-store");
  const body = await page.text();
  expect(body).toContain('name="version" value="1" aria-label="Roll back / to version 1"');
  expect((await call("/__admin/versions", { headers: { cookie } })).status).toBe(400);
  expect((await call("/__admin/versions?key=/a%zz", { headers: { cookie } })).status).toBe(400);
  expect((await call("/__admin/versions?key=/")).status).toBe(401);
  const nothing = await (await call("/__admin/versions?key=/none", { headers: { cookie } })).text();
  expect(nothing).toContain("nothing was kept");
});

test("a rollback needs the session's CSRF token and this site's origin", async () => {
  const { s, post, csrf } = await setup();
  for (const res of [
    await post({ key: "/" }),
    await post({ key: "/", csrf: `${csrf}x` }),
    await post({ key: "/", csrf }, { origin: "https://evil.example" }),
    await post({ key: "/", csrf }, { "sec-fetch-site": "cross-site" }),
  ]) {
    expect(res.status).toBe(403);
  }
  expect(s.store.hasPage("/")).toBe(false);
  const ok = await post({ key: "/", csrf });
  expect(ok.status).toBe(303);
  expect(ok.headers.get("location")).toBe("/__admin/versions?key=%2F&done=rolled-back");
  expect(s.store.hasPage("/")).toBe(true);
});

test("on a replica the rollback is replayed to the primary, and nothing is written", async () => {
  const { s, post, csrf } = await setup(false);
  const res = await post({ key: "/", csrf });
  expect(res.status).toBe(409);
  expect(res.headers.get("fly-replay")).toBe("instance=primary-machine");
  expect(s.store.hasPage("/")).toBe(false);
});
