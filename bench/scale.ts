// Scale: a site of 100,000 pages must serve as fast as one of 100. A lookup that grows with
// the site, or a cache that thrashes once the site outgrows it, shows up as the gap.
import { join } from "node:path";
import { benchSeconds, fileMb, removeDir, startRabbithole, stop, tempDir } from "./children.ts";
import { buildDb } from "./db.ts";
import { smallPage } from "./page.ts";
import type { Section } from "./report.ts";
import { alternate, benchRounds, ratio, type Summary, skippedForWrk } from "./rounds.ts";
import { msPrecise, rps } from "./wrk.ts";

const TITLE = "Scale: 100,000 pages against 100";
const BIG = 100_000;
const SMALL = 100;

export async function benchScale(): Promise<Section> {
  const skipped = skippedForWrk(TITLE);
  if (skipped) return skipped;
  const dir = tempDir("scale");
  const big = join(dir, "100k.db");
  const small = join(dir, "100.db");
  const started = performance.now();
  const html = (key: string, i: number) => smallPage(key, i);
  await buildDb(big, { count: BIG, html });
  await buildDb(small, { count: SMALL, html });
  console.error(`  built both databases in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const pageBytes = Buffer.byteLength(smallPage(`/p/0.html`, 0));
  const a = await startRabbithole(big);
  const b = await startRabbithole(small);
  try {
    // Real traffic has a working set: most requests go to pages read a moment ago. The same
    // hot pages (/p/0 … /p/99, which both databases hold) on both servers is the fair test of
    // whether the database's size slows serving; random pages over the whole 100,000 are cold
    // misses every time, a different workload, reported as its own row.
    const [hot, few, cold] = (await alternate([
      { name: `${BIG} pages, hot`, url: `${a.url}/`, opts: { connections: 64, randomKeys: SMALL } },
      { name: `${SMALL} pages`, url: `${b.url}/`, opts: { connections: 64, randomKeys: SMALL } },
      { name: `${BIG} pages, cold`, url: `${a.url}/`, opts: { connections: 64, randomKeys: BIG } },
    ])) as [Summary, Summary, Summary];
    const within = (x: Summary) => x.rps / few.rps >= 0.9;
    const base = `${rps(few.rps)} (100-page database)`;
    return {
      title: TITLE,
      setup:
        "Two `bun src/cli.ts --offline` servers, one on a 100,000-page database " +
        `(${fileMb(big)}) and one on a 100-page database (${fileMb(small)}), built alike. ` +
        `The pages here are ~${(pageBytes / 1024).toFixed(1)} KB (unstyled) in both, instead ` +
        "of the realistic ~17 KB: 100,000 of those, with their compressed copies, would make " +
        "a ~3 GB database to build on every run. wrk, 2 threads, 64 connections, " +
        `${benchSeconds()} s per run, ${benchRounds()} rounds alternating the three runs ` +
        "(medians), no Accept-Encoding. **Hot**: each request a random page among /p/0 … /p/99, " +
        "which both databases hold: the same requests to both servers, the way real traffic " +
        "keeps coming back to the pages it has just read. **Cold**: each request a random page " +
        "among all 100,000 of the big database, so nearly every request misses the page cache " +
        "(32 MB holds ~10,000 of these pages, counted as the allocator holds them) and reads " +
        "SQLite.",
      rows: [
        {
          measure: "throughput, hot pages (same requests to both)",
          value: rps(hot.rps),
          baseline: base,
          ratio: ratio(hot.rps, few.rps),
          target: "within 10 %",
          met: within(hot),
        },
        {
          measure: "latency p99, hot pages",
          value: msPrecise(hot.p99Ms),
          baseline: msPrecise(few.p99Ms),
          ratio: ratio(hot.p99Ms, few.p99Ms),
        },
        {
          measure: "throughput, cold: random among all 100,000 (misses)",
          value: rps(cold.rps),
          baseline: base,
          ratio: ratio(cold.rps, few.rps),
          target: "within 10 %",
          met: within(cold),
        },
        {
          measure: "latency p99, cold",
          value: msPrecise(cold.p99Ms),
          baseline: msPrecise(few.p99Ms),
          ratio: ratio(cold.p99Ms, few.p99Ms),
        },
      ],
      notes: [
        "A cold miss is one indexed SQLite read of the one encoding asked for, copied once into " +
          "a Blob the page cache keeps: the lookup does not grow with the database (a B-tree of " +
          "100,000 keys is 3 levels deep), but the read itself (about half of a miss in an " +
          "in-process CPU profile) and the full collections " +
          "that free evicted Blobs (paced, up to 100 a second of ~2 ms each, about a quarter " +
          "of a miss) cost far more than a hit, which sends a Blob already in memory. A " +
          "workload with no working set at all runs at a fraction of the hot rate on any " +
          "database size. This row compares a workload of misses with one of hits; the hot " +
          "row compares database sizes.",
      ],
    };
  } finally {
    await stop(a.proc);
    await stop(b.proc);
    removeDir(dir);
  }
}
