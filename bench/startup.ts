// Start-up to listening: from spawning the server to its first 200 on /__health. A deploy or a
// machine woken from zero waits this long before it can answer anyone.
import { existsSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { binaryName, compile, hostTarget } from "../scripts/build.ts";
import { BARE, CLI, fileMb, ROOT, removeDir, startServing, stop, tempDir } from "./children.ts";
import { buildDb, tenThousandPages } from "./db.ts";
import { realisticPage } from "./page.ts";
import { median, ms, type Row, type Section } from "./report.ts";
import { ratio } from "./rounds.ts";

const TITLE = "Start-up to listening";
const TARGET_MS = 150;

function runs(): number {
  const n = Number(process.env.BENCH_STARTUP_RUNS);
  return Number.isInteger(n) && n > 0 ? n : 7;
}

/**
 * The binary users run, built from the source as it is now with the release flags (into a
 * temp dir: dist/ is left alone); dist/'s own binary when the build fails.
 */
async function binary(dir: string): Promise<{ path: string; origin: string } | null> {
  const target = hostTarget();
  if (!target) return null;
  try {
    const built = await compile(target, pkg.version, dir);
    return { path: built.path, origin: "built from the source as it is, with the release flags" };
  } catch (err) {
    console.error(`  compiling failed, trying dist/: ${(err as Error).message}`);
    const dist = join(ROOT, "dist", binaryName(target));
    return existsSync(dist) ? { path: dist, origin: "dist/ (may be stale)" } : null;
  }
}

interface Variant {
  name: string;
  cmd: string[];
  times: number[];
}

export async function benchStartup(): Promise<Section> {
  const dir = tempDir("startup");
  const big = await tenThousandPages();
  const empty = join(dir, "empty.db");
  await buildDb(empty, { count: 0, html: () => "", home: null });
  const page = join(dir, "page.html");
  await Bun.write(page, realisticPage("Start-up", 1));
  const bin = await binary(dir);
  const db = (path: string) => ["--offline", "--db", path];
  const variants: Variant[] = [
    { name: "bun src/cli.ts, 10,000 pages", cmd: [...CLI, ...db(big)], times: [] },
    { name: "bun src/cli.ts, empty database", cmd: [...CLI, ...db(empty)], times: [] },
    ...(bin
      ? [
          { name: "compiled binary, 10,000 pages", cmd: [bin.path, ...db(big)], times: [] },
          { name: "compiled binary, empty database", cmd: [bin.path, ...db(empty)], times: [] },
        ]
      : []),
    { name: "bare Bun.serve script", cmd: [...BARE, "--file", page], times: [] },
  ];
  try {
    // Round-robin, after one unmeasured start each: the first start of anything pays for a
    // cold page cache, which would otherwise land on whichever variant goes first.
    for (let r = -1; r < runs(); r++) {
      for (const v of variants) {
        const s = await startServing(v.cmd);
        if (r >= 0) v.times.push(s.startMs);
        await stop(s.proc);
      }
    }
  } finally {
    removeDir(dir);
  }
  const at = (i: number) => median((variants[i] as Variant).times);
  const bare = median((variants.at(-1) as Variant).times);
  const row = (i: number, baseline: number, baseName: string, target: boolean): Row => ({
    measure: (variants[i] as Variant).name,
    value: ms(at(i)),
    baseline: `${ms(baseline)} ${baseName}`,
    ratio: ratio(at(i), baseline),
    ...(target ? { target: `≤ ${TARGET_MS} ms`, met: at(i) <= TARGET_MS } : {}),
  });
  const rows: Row[] = [row(0, at(1), "empty", true), row(1, bare, "bare", false)];
  if (bin) rows.push(row(2, at(3), "empty", true), row(3, bare, "bare", false));
  rows.push({ measure: "bare Bun.serve script (`bun bench/bare-server.ts`)", value: ms(bare) });
  return {
    title: TITLE,
    setup:
      "From spawn to the first 200 of `GET /__health` (polled every millisecond), median of " +
      `${runs()} starts per variant, round-robin after one unmeasured start each. ` +
      "`--offline --db <file>`; the 10,000-page database holds ~17 KB pages with their gzip " +
      `and brotli copies (${fileMb(big)}); the empty one has only the seed's mapping. ` +
      "`bun src/cli.ts` includes transpiling the TypeScript; the compiled binary " +
      `(${bin ? bin.origin : "not available"}) is what ` +
      "users run. Baselines: the same command on the empty database, and a bare Bun.serve " +
      "script.",
    rows,
    notes: variants.map((v) => `${v.name}: ${v.times.map((t) => t.toFixed(0)).join(", ")} ms.`),
  };
}
