// HEAD answers with the headers GET would send, Content-Length included, over a real socket.

import { afterEach, expect, test } from "bun:test";
import { listen, type Site, startSite, treeHandler } from "../../fixtures/site.ts";

let site: Site | undefined;
let server: ReturnType<typeof listen> | undefined;
afterEach(async () => {
  await server?.stop();
  await site?.close();
  site = server = undefined;
});

const comparable = (res: Response) =>
  Object.fromEntries([...res.headers].filter(([name]) => name !== "date"));

test("HEAD and GET agree on every header of a cached page, a 404 and robots.txt", async () => {
  site = startSite({ handler: treeHandler, ops: { botPolicy: "cached" } });
  server = listen(site);
  const url = server.url;
  expect((await fetch(`${url}/`)).status).toBe(200);
  await site.app.generator.drain(); // stored, so both requests below read the cached page
  for (const [path, encoding] of [
    ["/", "br"],
    ["/", "identity"],
    ["/never-linked.html", "identity"],
    ["/robots.txt", "identity"],
  ] as const) {
    const init = { headers: { "accept-encoding": encoding }, decompress: false };
    const get = await fetch(`${url}${path}`, init);
    const bytes = (await get.arrayBuffer()).byteLength;
    const head = await fetch(`${url}${path}`, { ...init, method: "HEAD" });
    expect(await head.text()).toBe("");
    expect({ path, encoding, status: head.status, headers: comparable(head) }).toEqual({
      path,
      encoding,
      status: get.status,
      headers: comparable(get),
    });
    expect(Number(head.headers.get("content-length"))).toBe(bytes);
    expect(bytes).toBeGreaterThan(0);
  }
});

test("HEAD of an unwritten page: GET's status for a cooling page, a spent budget, a loading page", async () => {
  const broken = { httpError: { status: 500, type: "api_error" } } as const;
  site = startSite({ handler: () => broken, failureCooldownMs: 30_000 });
  expect((await site.get("/")).status).toBe(503);
  const get = await site.get("/");
  const head = await site.request("/", { method: "HEAD" });
  expect(head.status).toBe(503);
  expect(head.headers.get("retry-after")).toBe(get.res.headers.get("retry-after"));
  expect(site.fake.calls).toBe(1);
  await site.close();

  site = startSite({ maxCostUsd: 0.000_001 });
  const spent = await site.request("/", { method: "HEAD" });
  expect(spent.status).toBe((await site.get("/")).status);
  expect(spent.status).toBe(503);
  await site.close();

  site = startSite({ loadingPage: true });
  expect((await site.request("/", { method: "HEAD" })).status).toBe(202);
  expect(site.fake.calls).toBe(0);
  expect((await site.get("/")).status).toBe(202);
});
