// Comparisons made fair on a noisy machine: every server warmed up first, then measured in
// alternating order, round after round, so that a slow minute hurts both sides alike.
import { benchSeconds } from "./children.ts";
import { median, type Section } from "./report.ts";
import { checkClean, runWrk, type WrkOptions, type WrkResult, wrkMissing } from "./wrk.ts";

export interface Target {
  name: string;
  url: string;
  opts: Omit<WrkOptions, "seconds">;
}

/** Rounds of each comparison: BENCH_ROUNDS, default 3 (the median then shrugs off one bad run). */
export function benchRounds(): number {
  const n = Number(process.env.BENCH_ROUNDS);
  return Number.isInteger(n) && n > 0 ? n : 3;
}

// Bun's JIT needs a few hundred thousand requests before a server reaches its steady state:
// without this the first server measured loses by a third.
const warmupSeconds = () => Math.min(3, benchSeconds());

export async function alternate(targets: Target[], seconds = benchSeconds()) {
  for (const t of targets) await runWrk(t.url, { ...t.opts, seconds: warmupSeconds() });
  const results = targets.map(() => [] as WrkResult[]);
  const rounds = benchRounds();
  for (let r = 0; r < rounds; r++) {
    const order = targets.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const t = targets[i] as Target;
      const res = await runWrk(t.url, { ...t.opts, seconds });
      checkClean(t.name, res);
      console.error(`  ${t.name}: ${Math.round(res.rps)} req/s, p99 ${res.p99Ms.toFixed(2)} ms`);
      results[i]?.push(res);
    }
  }
  return results.map(summarize);
}

export interface Summary {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  bytesPerRequest: number;
  runs: WrkResult[];
}

export function summarize(runs: WrkResult[]): Summary {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    bytesPerRequest: median(runs.map((r) => r.bytesPerRequest)),
    runs,
  };
}

/** The section as it reads when wrk is missing: how to install it, instead of figures. */
export function skippedForWrk(title: string): Section | null {
  const missing = wrkMissing();
  if (!missing) return null;
  console.error(`${title}: skipped, ${missing}`);
  return { title, setup: "Skipped.", rows: [{ measure: "skipped", value: missing }] };
}

export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** "met", or "MISSED": read at a glance in the table. */
export const verdict = (ok: boolean) => (ok ? "met" : "**MISSED**");
