// Memory: the server's resident set while 256 connections read random pages of a 10,000-page
// database. Whatever caches pages in memory must stay bounded by bytes, not grow with the site.
import { join } from "node:path";
import {
  benchSeconds,
  fileMb,
  removeDir,
  rssMb,
  startBare,
  startRabbithole,
  stop,
  tempDir,
} from "./children.ts";
import { tenThousandPages } from "./db.ts";
import { realisticPage } from "./page.ts";
import type { Row, Section } from "./report.ts";
import { ratio, skippedForWrk } from "./rounds.ts";
import { checkClean, msPrecise, rps, runWrk, type WrkResult } from "./wrk.ts";

const TITLE = "Memory under load";
const CONNECTIONS = 256;
const PAGES = 10_000;
const TARGET_MB = 120;

interface Profile {
  idle: number;
  peak: number;
  /** The heaps' part of RSS when it peaked. */
  peakAnon: number;
  after: number;
  load: WrkResult;
}

/** RSS before, during (sampled every 100 ms) and 2 s after a wrk run against `url`. */
async function profile(pid: number, url: string, randomKeys: number): Promise<Profile> {
  await Bun.sleep(500);
  const idle = (await rssMb(pid)).rss;
  let peak = idle;
  let peakAnon = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const now = await rssMb(pid);
      if (now.rss > peak) [peak, peakAnon] = [now.rss, now.anon];
      await Bun.sleep(100);
    }
  })();
  const load = await runWrk(url, {
    connections: CONNECTIONS,
    seconds: benchSeconds(),
    randomKeys,
  }).finally(() => {
    sampling = false;
  });
  await sampler;
  checkClean(url, load);
  await Bun.sleep(2000);
  return { idle, peak, peakAnon, after: (await rssMb(pid)).rss, load };
}

const mb = (x: number) => `${x.toFixed(0)} MB`;

export async function benchMemory(): Promise<Section> {
  const skipped = skippedForWrk(TITLE);
  if (skipped) return skipped;
  const db = await tenThousandPages();
  const dir = tempDir("memory");
  const file = join(dir, "page.html");
  await Bun.write(file, realisticPage("Memory", 1));
  let rh: Profile;
  let bare: Profile;
  try {
    const server = await startRabbithole(db);
    try {
      rh = await profile(server.proc.pid, `${server.url}/`, PAGES);
    } finally {
      await stop(server.proc);
    }
    const b = await startBare(file);
    try {
      bare = await profile(b.proc.pid, `${b.url}/`, PAGES);
    } finally {
      await stop(b.proc);
    }
  } finally {
    removeDir(dir);
  }
  const row = (measure: string, value: number, base: number, target?: boolean): Row => ({
    measure,
    value: mb(value),
    baseline: mb(base),
    ratio: ratio(value, base),
    ...(target ? { target: `≤ ${TARGET_MB} MB`, met: value <= TARGET_MB } : {}),
  });
  return {
    title: TITLE,
    setup:
      `\`bun src/cli.ts --offline\` on the 10,000-page database (~17 KB pages stored with their ` +
      `gzip and brotli copies, ${fileMb(db)}), wrk with ` +
      `${CONNECTIONS} connections for ${benchSeconds()} s, each request a random page among ` +
      `the ${PAGES.toLocaleString("en")} (a wrk Lua script). VmRSS from /proc: 0.5 s after ` +
      "start, peak sampled every 100 ms during the load, and 2 s after it. Baseline: the bare " +
      "Bun.serve script under the same load, answering every path with one page from memory.",
    rows: [
      row("RSS idle after start", rh.idle, bare.idle),
      row(`RSS peak, ${CONNECTIONS} connections`, rh.peak, bare.peak, true),
      row("anonymous part of that peak (heaps, not mapped files)", rh.peakAnon, bare.peakAnon),
      row("RSS 2 s after the load", rh.after, bare.after),
      {
        measure: "throughput during the load (random pages)",
        value: rps(rh.load.rps),
        baseline: rps(bare.load.rps),
        ratio: ratio(rh.load.rps, bare.load.rps),
      },
      {
        measure: `latency p99 at ${CONNECTIONS} connections`,
        value: msPrecise(rh.load.p99Ms),
        baseline: msPrecise(bare.load.p99Ms),
        ratio: ratio(rh.load.p99Ms, bare.load.p99Ms),
      },
    ],
  };
}
