// `bun run bench`: runs every benchmark in one process and writes BENCHMARKS.md.
// Benchmarks are not tests: CI does not run them and nothing here asserts a timing.
import { benchLive } from "./live.ts";
import { renderReport, type Section } from "./report.ts";

const sections: Section[] = [];
for (const bench of [benchLive]) {
  const s = await bench();
  console.log(`## ${s.title}`);
  for (const r of s.rows)
    console.log(`  ${r.measure}: ${r.value}${r.baseline ? ` (baseline ${r.baseline})` : ""}`);
  sections.push(s);
}
await Bun.write("BENCHMARKS.md", renderReport(sections, "bun run bench"));
console.log("wrote BENCHMARKS.md");
