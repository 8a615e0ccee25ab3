// A crowd on a new page: 200 visitors ask for the same uncached page at once. One generation
// must serve them all (the money is spent once), and every one of them must get the page.
import { join } from "node:path";
import { ZERO_USAGE } from "../src/core/types.ts";
import { pageReply } from "../test/fixtures/fake-anthropic.ts";
import { listen, startSite } from "../test/fixtures/site.ts";
import { removeDir, tempDir } from "./children.ts";
import { realisticPage } from "./page.ts";
import { median, ms, type Section } from "./report.ts";

const TITLE = "200 concurrent first visitors of one new page";
const VISITORS = 200;
const CHUNK = 40;
const CHUNK_DELAY = 5;
const FIRST_TOKEN_DELAY = 200;
const KEY = "/crowd.html";

interface Visit {
  status: number;
  firstByteMs: number;
  doneMs: number;
  whole: boolean;
}

async function visit(url: string, t0: number): Promise<Visit> {
  const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  let firstByteMs = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!firstByteMs) firstByteMs = performance.now() - t0;
    text += decoder.decode(value, { stream: true });
  }
  return {
    status: res.status,
    firstByteMs,
    doneMs: performance.now() - t0,
    whole: text.includes("</html>"),
  };
}

const kb = (s: string) => (Buffer.byteLength(s) / 1024).toFixed(1);

export async function benchCrowd(): Promise<Section> {
  const dir = tempDir("crowd");
  const html = realisticPage("A crowd on Mars", 7);
  const site = startSite({
    dbPath: join(dir, "bench.db"),
    handler: () => ({
      text: pageReply(html, []),
      chunkSize: CHUNK,
      chunkDelayMs: CHUNK_DELAY,
      firstTokenDelayMs: FIRST_TOKEN_DELAY,
    }),
  });
  const server = listen(site);
  try {
    // The page that links to KEY: its mapping is what makes KEY generatable.
    const meta = { model: "m", usage: ZERO_USAGE, costUsd: 0, rounds: 1 };
    site.store.savePage(
      { ...meta, key: "/", html: "<html></html>", prompt: "p", depth: 1, parent: null, genMs: 0 },
      [{ key: KEY, prompt: "A page about a crowd on Mars", depth: 2, parent: "/" }],
      { ...meta, key: "/", outcome: "ok", error: null, startedAt: 0, durationMs: 0 },
    );
    const t0 = performance.now();
    const visits = await Promise.all(
      Array.from({ length: VISITORS }, () => visit(`${server.url}${KEY}`, t0)),
    );
    const ok = visits.filter((v) => v.status === 200 && v.whole);
    const done = visits.map((v) => v.doneMs);
    const first = visits.map((v) => v.firstByteMs);
    const calls = site.fake.calls;
    return {
      title: TITLE,
      setup:
        `${VISITORS} fetches of one uncached page, started together from one process against ` +
        "the in-process site (test/fixtures/site.ts) behind `Bun.serve`, with the paced fake " +
        `Anthropic upstream of the live section (first token after ${FIRST_TOKEN_DELAY} ms, ` +
        `${CHUNK}-character deltas every ${CHUNK_DELAY} ms, a ${kb(html)} KB ` +
        "page). Times are from the moment the requests start.",
      rows: [
        { measure: "upstream calls", value: String(calls), target: "exactly 1", met: calls === 1 },
        {
          measure: "visitors who got the whole page (200)",
          value: `${ok.length} of ${VISITORS}`,
          target: `all ${VISITORS}`,
          met: ok.length === VISITORS,
        },
        {
          measure: "first HTML byte, p50 / max",
          value: `${ms(median(first))} / ${ms(Math.max(...first))}`,
        },
        {
          measure: "whole page, p50 / max",
          value: `${ms(median(done))} / ${ms(Math.max(...done))}`,
        },
      ],
    };
  } finally {
    await server.stop();
    await site.close();
    removeDir(dir);
  }
}
