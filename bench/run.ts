// `bun run bench` runs every section; `bun bench/run.ts throughput memory` runs only those.
// Each run rewrites its sections of BENCHMARKS.md and keeps the others as they were.
// Benchmarks are not tests: CI does not run them and nothing here asserts a timing.
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { cleanup, PINNED, ROOT } from "./children.ts";
import { benchCompression } from "./compression.ts";
import { benchCrowd } from "./crowd.ts";
import { benchLibraries } from "./libraries.ts";
import { benchLitefsProxy } from "./litefs-proxy.ts";
import { benchLive } from "./live.ts";
import { benchMemory } from "./memory.ts";
import { benchModels } from "./models.ts";
import { renderReport, type Section } from "./report.ts";
import { benchRobots } from "./robots.ts";
import { benchScale } from "./scale.ts";
import { benchSiteMemory } from "./site-memory.ts";
import { benchStartup } from "./startup.ts";
import { benchThroughput } from "./throughput.ts";

// Titles are the BENCHMARKS.md headings: a section is replaced under its own title.
const SECTIONS: { id: string; title: string; run: () => Promise<Section> }[] = [
  { id: "throughput", title: "Cached-page throughput and latency", run: benchThroughput },
  { id: "compression", title: "Compression and conditional requests", run: benchCompression },
  { id: "live", title: "Live pages (issue 3)", run: benchLive },
  { id: "crowd", title: "200 concurrent first visitors of one new page", run: benchCrowd },
  { id: "startup", title: "Start-up to listening", run: benchStartup },
  { id: "memory", title: "Memory under load", run: benchMemory },
  { id: "scale", title: "Scale: 100,000 pages against 100", run: benchScale },
  { id: "models", title: "Models: the old default against the new (issue 11)", run: benchModels },
  { id: "robots", title: "robots.txt on a growing site (issue 12)", run: benchRobots },
  { id: "libraries", title: "Hot-path libraries against our own (issue 13)", run: benchLibraries },
  {
    id: "site-memory",
    title: "Site memory: --memory on against off (issue 14)",
    run: benchSiteMemory,
  },
  {
    id: "litefs",
    title: "Cached pages through the LiteFS proxy (issue 10)",
    run: benchLitefsProxy,
  },
];

const asked = process.argv.slice(2);
const unknown = asked.filter((a) => !SECTIONS.some((s) => s.id === a));
if (unknown.length) {
  console.error(
    `unknown section ${unknown.join(", ")}; sections: ${SECTIONS.map((s) => s.id).join(", ")}`,
  );
  process.exit(2);
}
const chosen = asked.length ? SECTIONS.filter((s) => asked.includes(s.id)) : SECTIONS;
const command = asked.length ? `bun bench/run.ts ${asked.join(" ")}` : "bun run bench";

/** A section that threw still gets its heading, saying why, and the other sections still run. */
async function attempt(bench: (typeof SECTIONS)[number]): Promise<Section> {
  try {
    return await bench.run();
  } catch (err) {
    failed = true;
    console.error(err);
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
    return { title: bench.title, setup: "Failed.", rows: [{ measure: "failed", value: why }] };
  }
}

let failed = false;
const done: Section[] = [];
try {
  for (const bench of chosen) {
    console.log(`## ${bench.title}`);
    const started = performance.now();
    const load = loadavg()[0]?.toFixed(2);
    const s = await attempt(bench);
    // Other work on the machine skews every figure: say how busy it was.
    s.setup += ` Load average when the section started: ${load} (${cpus().length} cores).`;
    // A pinned run is another setup, not a rerun: it gets a section of its own.
    if (PINNED) {
      s.title += " — pinned";
      s.setup +=
        " BENCH_PIN=1: every server on CPU 1, wrk (one thread) on CPU 0, so that the latency " +
        "tail shows the server rather than the two competing for the cores.";
    }
    for (const r of s.rows) {
      const base = r.baseline ? ` (baseline ${r.baseline}${r.ratio ? `, ${r.ratio}` : ""})` : "";
      const met = r.met === undefined ? "" : r.met ? " [met]" : " [MISSED]";
      console.log(`  ${r.measure}: ${r.value}${base}${met}`);
    }
    console.log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    done.push(s);
  }
} finally {
  cleanup();
}
const out = join(ROOT, "BENCHMARKS.md");
const previous = existsSync(out) ? await Bun.file(out).text() : "";
const rerun = [
  "bun run bench                      # every section (BENCH_SECONDS=10 BENCH_ROUNDS=3 by default)",
  `bun bench/run.ts ${SECTIONS.map((s) => s.id).join(" ")}   # any of them`,
  "BENCH_SECONDS=3 bun bench/run.ts throughput   # shorter wrk runs",
  "BENCH_PIN=1 bun bench/run.ts throughput   # server and wrk on separate cores (own section)",
  "BENCH_STARTUP_RUNS=15 bun bench/run.ts startup   # more starts per variant (default 7)",
  "apt-get install -y wrk   # wrk sections are skipped, saying so, without it",
];
await Bun.write(
  out,
  renderReport(done, command, { previous, order: SECTIONS.map((s) => s.title), rerun }),
);
console.log(`wrote ${out}`);
if (failed) process.exit(1);
