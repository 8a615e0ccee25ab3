// A corpus of bad requests sent over real HTTP. Each gets a clear 4xx from the app, or is
// rejected by Bun's own HTTP parser before the app sees it (recorded below as such: status, or
// a bare close). The app never answers 5xx, no request reaches the model, and the server is
// healthy afterwards and still serves its cached page.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CORPUS, HOME_MARK, type Send } from "../fixtures/hostile-corpus.ts";
import { rawRequest } from "../fixtures/raw-http.ts";
import { seedPage } from "../fixtures/seed.ts";
import { listen, type Site, startSite } from "../fixtures/site.ts";

const HOME = `<!DOCTYPE html><html><body><h1>${HOME_MARK}</h1></body></html>`;

let site: Site;
let server: ReturnType<typeof listen>;
let port: number;
let callsBefore: number;
const appStatuses: number[] = [];

beforeAll(async () => {
  site = startSite();
  // The home page is cached and one child is mapped but unwritten: a request that slipped
  // through to it would start a generation, which the fake upstream would count.
  seedPage(site.store, "/", {
    html: HOME,
    children: [{ key: "/child.html", prompt: "A child page.", depth: 2, parent: "/" }],
  });
  // Records what the app itself answered, to tell its answers from the parser's.
  const inner = site.app.fetch;
  site.app.fetch = async (req, srv) => {
    const res = await inner(req, srv);
    appStatuses.push(res.status);
    return res;
  };
  server = listen(site);
  port = Number(new URL(server.url).port);
  callsBefore = site.fake.calls;
});

afterAll(async () => {
  server.stop();
  await site.close();
});

async function send(s: Send): Promise<{ wire: number[]; text: string; closed: boolean }> {
  if ("raw" in s) {
    const r = await rawRequest(port, s.raw);
    return { wire: r.statuses, text: r.text, closed: r.closed };
  }
  const res = await fetch(`${server.url}${s.fetch}`, s.init);
  return { wire: [res.status], text: await res.text(), closed: true };
}

describe("hostile requests", () => {
  test.each(CORPUS.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const seen = appStatuses.length;
    const got = await send(c.send);
    const app = appStatuses.slice(seen);
    expect(app.filter((s) => s >= 500)).toEqual([]);
    expect(app.length).toBe(c.app.length);
    c.app.forEach((want, i) => {
      expect([want].flat()).toContain(app[i] as number);
    });
    // The app's own answers reach the wire as they are; the rest are the parser's.
    expect(got.wire.slice(0, app.length)).toEqual(app);
    expect(got.wire.slice(app.length)).toEqual(c.wire.slice(app.length));
    expect(got.closed).toBe(true);
    if (c.contains) expect(got.text).toContain(c.contains);
  });
});

describe("after the corpus", () => {
  test("no request reached the model", () => {
    expect(site.fake.calls).toBe(callsBefore);
    expect(site.fake.calls).toBe(0);
    expect(site.app.generator.inFlight).toBe(0);
  });

  test("the app logged no unhandled error", () => {
    const errors = site.logger.lines.filter((l) => l.level === "error");
    expect(errors.map((l) => JSON.stringify(l.args).slice(0, 300))).toEqual([]);
  });

  test("the server is healthy and still serves its cached page", async () => {
    const health = await fetch(`${server.url}/__health`);
    expect(health.status).toBe(200);
    const home = await fetch(`${server.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toBe(HOME);
  });
});
