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
    const [many, few] = (await alternate([
      { name: `${BIG} pages`, url: `${a.url}/`, opts: { connections: 64, randomKeys: BIG } },
      { name: `${SMALL} pages`, url: `${b.url}/`, opts: { connections: 64, randomKeys: SMALL } },
    ])) as [Summary, Summary];
    const r = many.rps / few.rps;
    return {
      title: TITLE,
      setup:
        "Two `bun src/cli.ts --offline` servers, one on a 100,000-page database " +
        `(${fileMb(big)}) and one on a 100-page database (${fileMb(small)}), built alike. ` +
        `The pages here are ~${(pageBytes / 1024).toFixed(1)} KB (unstyled) in both, instead ` +
        "of the realistic ~17 KB: 100,000 of those, with their compressed copies, would make " +
        "a ~3 GB database to build on every run. wrk, 2 threads, 64 " +
        `connections, each request a random page among the database's own (Lua script), ` +
        `${benchSeconds()} s per run, ${benchRounds()} rounds alternating the two (medians).`,
      rows: [
        {
          measure: "throughput, random pages",
          value: rps(many.rps),
          baseline: `${rps(few.rps)} (100 pages)`,
          ratio: ratio(many.rps, few.rps),
          target: "within 10 %",
          met: r >= 0.9 && r <= 1.1,
        },
        {
          measure: "latency p99",
          value: msPrecise(many.p99Ms),
          baseline: msPrecise(few.p99Ms),
          ratio: ratio(many.p99Ms, few.p99Ms),
        },
        {
          measure: "latency p50",
          value: msPrecise(many.p50Ms),
          baseline: msPrecise(few.p50Ms),
          ratio: ratio(many.p50Ms, few.p50Ms),
        },
      ],
    };
  } finally {
    await stop(a.proc);
    await stop(b.proc);
    removeDir(dir);
  }
}
