import { afterEach, describe, expect, test } from "bun:test";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { describeEachModel } from "../fixtures/models.ts";
import { keyOf, listen, MODEL, type Site, startSite } from "../fixtures/site.ts";

/** The model of the tests under way: each describe.each block sets its own. */
let model = MODEL;

let site: Site | undefined;
let server: ReturnType<typeof listen> | undefined;
afterEach(async () => {
  await server?.stop();
  await site?.close();
  site = server = undefined;
});

const BODY = Array.from({ length: 40 }, (_, i) => `<p>Paragraph ${i} about Mars.</p>`).join("\n");
const DOC = htmlDoc("Mars", `<h1>Mars</h1>\n${BODY}\n<a href="/mars/moons.html">Moons</a>`);
const REPLY = pageReply(DOC, [{ url: "/mars/moons.html", prompt: "Phobos and Deimos" }]);

/** Paced model: ~60 chunks, `chunkDelayMs` apart, the child page written instantly. */
function pacedSite(chunkDelayMs: number, extra: Partial<Parameters<typeof startSite>[0]> = {}) {
  site = startSite({
    model,
    handler: (body) =>
      keyOf(body) === "/"
        ? { text: REPLY, chunkSize: 40, chunkDelayMs }
        : pageReply(htmlDoc("Moons"), []),
    ...extra,
  });
  server = listen(site);
  return { site, url: server.url };
}

/** Opens `/` live and reads until the link to the child has reached the browser. */
async function readUntilLink(url: string) {
  const home = await fetch(`${url}/`);
  const reader = (home.body as ReadableStream<Uint8Array>).getReader();
  let seen = "";
  while (!seen.includes("/mars/moons.html")) {
    const r = await reader.read();
    if (r.done) throw new Error("the home page ended before its link");
    seen += new TextDecoder().decode(r.value);
  }
  return reader;
}

describeEachModel(
  (id) => {
    model = id;
  },
  () => {
    describe("live pages", () => {
      test("the first bytes reach the client long before the upstream finishes", async () => {
        const { site: s, url } = pacedSite(25);
        const res = await fetch(`${url}/`);
        expect(res.status).toBe(200);
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        const first = await reader.read();
        // ~60 chunks × 25 ms ≈ 1.5 s upstream: when the head of the page is here, it is still writing.
        expect(s.app.generator.get("/")).toBeDefined();
        expect(s.fake.requests.length).toBe(1);
        expect(s.store.getPage("/")).toBeNull();
        let text = new TextDecoder().decode(first.value);
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          text += new TextDecoder().decode(r.value);
        }
        expect(new TextDecoder().decode(first.value).length).toBeLessThan(DOC.length / 2);
        expect(text).toBe(DOC);
      });

      test("100 visitors joining at different moments get byte-identical pages from one call", async () => {
        const { site: s, url } = pacedSite(10);
        const visits = Array.from({ length: 100 }, async (_, i) => {
          await Bun.sleep(i * 5);
          const res = await fetch(`${url}/`);
          return { status: res.status, body: await res.text() };
        });
        const results = await Promise.all(visits);
        expect(s.fake.calls).toBe(1);
        for (const r of results) {
          expect(r.status).toBe(200);
          expect(r.body).toBe(DOC);
        }
      });

      test("a visitor who never reads does not stall the generation or the others", async () => {
        const { site: s, url } = pacedSite(5);
        const stalled = await fetch(`${url}/`); // headers read, body never consumed
        const other = await (await fetch(`${url}/`)).text();
        expect(other).toBe(DOC);
        await s.app.generator.drain();
        expect(s.store.getPage("/")?.html).toBe(DOC);
        await stalled.body?.cancel();
      });

      test("visitors leaving never stop a generation: it completes and is cached", async () => {
        const { site: s, url } = pacedSite(10);
        const ac = new AbortController();
        const res = await fetch(`${url}/`, { signal: ac.signal });
        await (res.body as ReadableStream).getReader().read();
        ac.abort();
        await s.app.generator.drain();
        expect(s.store.getPage("/")?.html).toBe(DOC);
        expect(s.fake.calls).toBe(1);
      });

      test("HEAD on a page being written answers at once", async () => {
        const { site: s, url } = pacedSite(20);
        const first = fetch(`${url}/`);
        await Bun.sleep(50);
        const head = await fetch(`${url}/`, { method: "HEAD" });
        expect(head.status).toBe(200);
        expect(s.app.generator.get("/")).toBeDefined(); // answered while the page is still writing
        await (await first).text();
        await s.app.generator.drain();
      });

      test("an upstream error mid-stream ends the page with a notice and caches nothing", async () => {
        site = startSite({
          model,
          handler: (_b, i) =>
            i === 0
              ? { text: REPLY, chunkSize: 40, chunkDelayMs: 5, errorAfterChunks: { after: 10 } }
              : REPLY,
        });
        server = listen(site);
        const res = await fetch(`${server.url}/`);
        const body = await res.text();
        expect(res.status).toBe(200);
        expect(body.startsWith("<!DOCTYPE html>")).toBe(true);
        expect(body).toContain('role="alert"');
        expect(body).toContain("Retry");
        expect(site.store.getPage("/")).toBeNull();
        const again = await fetch(`${server.url}/`);
        expect(await again.text()).toBe(DOC);
        expect(site.fake.calls).toBe(2);
      });

      test("a page whose start only the whole text reveals is served once stored", async () => {
        // A bare <html> after chatter cannot be told from prose while streaming: nothing streams.
        site = startSite({ model, handler: () => `Here: <html><body><h1>Mars</h1></body></html>` });
        server = listen(site);
        const res = await fetch(`${server.url}/`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe("<html><body><h1>Mars</h1></body></html>");
        expect(site.store.getPage("/")?.html).toBe("<html><body><h1>Mars</h1></body></html>");
      });

      test("a page cut off inside its <style> closes it, so the notice renders", async () => {
        const styled = htmlDoc("Mars", `<style>body{margin:0}\nh1{color:#a33}</style>${BODY}`);
        const chunks = [
          styled.slice(0, styled.indexOf("h1{") + 6),
          styled.slice(styled.indexOf("h1{") + 6),
        ];
        site = startSite({ model, handler: () => ({ chunks, errorAfterChunks: { after: 1 } }) });
        server = listen(site);
        const body = await (await fetch(`${server.url}/`)).text();
        expect(body.startsWith(chunks[0] as string)).toBe(true);
        expect(body).toContain('</style>\n<div role="alert"');
        expect(site.store.getPage("/")).toBeNull();
      });

      test("clicking ahead: a link shown before its mapping exists waits for it, not 404", async () => {
        const { site: s, url } = pacedSite(15);
        const reader = await readUntilLink(url);
        expect(s.store.getMapping("/mars/moons.html")).toBeNull();
        const child = await fetch(`${url}/mars/moons.html`);
        expect(child.status).toBe(200);
        expect(await child.text()).toContain("Moons");
        reader.releaseLock();
      });

      test("an unknown key does not wait when no page being written links to it", async () => {
        const { site: s, url } = pacedSite(30);
        const home = fetch(`${url}/`);
        await Bun.sleep(30);
        const res = await fetch(`${url}/unrelated.html`);
        expect(res.status).toBe(404);
        expect(s.app.generator.get("/")).toBeDefined(); // answered while the page is still writing
        await (await home).text();
      });

      // Bun checks idle sockets in 4 s ticks: idleTimeout 10 (its default) resets a silent
      // connection after ~12 s, so the first token must come later than that to prove anything.
      test("the wait before the first token does not drop the connection (idle timeout)", async () => {
        site = startSite({ model, handler: () => ({ text: REPLY, firstTokenDelayMs: 15_000 }) });
        server = listen(site, 10);
        const res = await fetch(`${server.url}/`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(DOC);
      }, 30_000);

      test("a long silence in the middle of a page does not drop the connection", async () => {
        // idleTimeout 1 resets a silent socket within ~4 s; the model pauses 6 s mid-page.
        const half = Math.floor(REPLY.length / 2);
        const chunks = [REPLY.slice(0, half), REPLY.slice(half)];
        site = startSite({ model, handler: () => ({ chunks, chunkDelayMs: 6_000 }) });
        server = listen(site, 1);
        const res = await fetch(`${server.url}/`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(DOC);
      }, 20_000);
    });

    describe("clicking ahead is bounded", () => {
      test("a click waits at most clickAheadMs, then 404s while the page is still writing", async () => {
        // The link comes first, then ~40 chunks 50 ms apart: far beyond the 300 ms bound.
        const early = htmlDoc("Mars", `<a href="/mars/moons.html">Moons</a>\n${BODY}`);
        const { site: s, url } = pacedSite(50, {
          clickAheadMs: 300,
          handler: (body) =>
            keyOf(body) === "/"
              ? {
                  text: pageReply(early, [{ url: "/mars/moons.html", prompt: "Phobos" }]),
                  chunkSize: 40,
                  chunkDelayMs: 50,
                }
              : pageReply(htmlDoc("Moons"), []),
        });
        const reader = await readUntilLink(url);
        const t0 = performance.now();
        const child = await fetch(`${url}/mars/moons.html`);
        const waited = performance.now() - t0;
        expect(child.status).toBe(404);
        expect(waited).toBeGreaterThanOrEqual(250);
        expect(waited).toBeLessThan(2_000);
        expect(s.app.generator.get("/")).toBeDefined(); // gave up before the page finished
        await reader.cancel();
        await s.app.generator.drain();
      });

      test("only a navigation to a link the page shows waits, and at most two per client", async () => {
        const early = htmlDoc("Mars", `<a href="/mars/moons.html">Moons</a>\n${BODY}`);
        const { site: s, url } = pacedSite(50, {
          clickAheadMs: 20_000,
          handler: (body) =>
            keyOf(body) === "/"
              ? {
                  text: pageReply(early, [{ url: "/mars/moons.html", prompt: "Phobos" }]),
                  chunkSize: 40,
                  chunkDelayMs: 50,
                }
              : pageReply(htmlDoc("Moons"), []),
        });
        const reader = await readUntilLink(url);
        const at = (path: string, headers: Record<string, string> = {}) =>
          fetch(`${url}${path}`, { headers }).then((r) => ({
            status: r.status,
            writing: !!s.app.generator.get("/"),
          }));
        // Answered at once, while the page is still being written: a 404 each.
        const image = await at("/mars/moons.html", {
          "sec-fetch-mode": "no-cors",
          "sec-fetch-dest": "image",
        });
        expect(image).toEqual({ status: 404, writing: true });
        // "Paragraph" is on the page, but not as a link.
        expect(await at("/anything/Paragraph")).toEqual({ status: 404, writing: true });
        // Two waits from this client hold; the third is answered at once.
        const two = [at("/mars/moons.html"), at("/x/moons.html")];
        await Bun.sleep(50);
        expect(await at("/y/moons.html")).toEqual({ status: 404, writing: true });
        const [first, second] = await Promise.all(two);
        expect(first).toEqual({ status: 200, writing: false });
        expect(second).toEqual({ status: 404, writing: false });
        await reader.cancel();
      });

      test("a page that finishes without mapping the link ends the wait with a 404 at once", async () => {
        // The homepage shows the link but its mappings block leaves it out.
        const { site: s, url } = pacedSite(15, {
          clickAheadMs: 60_000,
          handler: (body) =>
            keyOf(body) === "/"
              ? { text: pageReply(DOC, []), chunkSize: 40, chunkDelayMs: 15 }
              : pageReply(htmlDoc("Moons"), []),
        });
        const reader = await readUntilLink(url);
        const t0 = performance.now();
        const child = await fetch(`${url}/mars/moons.html`);
        expect(child.status).toBe(404);
        expect(performance.now() - t0).toBeLessThan(10_000);
        expect(s.app.generator.get("/")).toBeUndefined();
        expect(s.store.getPage("/")?.html).toBe(DOC);
        expect(s.fake.calls).toBe(1); // the unmapped child never reached the model
        await reader.cancel();
      });
    });
  },
);
