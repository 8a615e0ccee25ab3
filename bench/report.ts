// The shape every benchmark returns, and the BENCHMARKS.md writer.
import { cpus, totalmem } from "node:os";

export interface Row {
  measure: string;
  value: string;
  baseline?: string;
  ratio?: string;
  target?: string;
}

export interface Section {
  title: string;
  setup: string;
  rows: Row[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;

export function renderReport(sections: Section[], command: string): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    "# Benchmarks",
    "",
    `Written by \`${command}\` on ${new Date().toISOString().slice(0, 10)}.`,
    "",
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `Bun ${Bun.version}, ${process.platform}/${process.arch}.`,
    "Machines here are noisy: compare the ratios within one run, not figures across runs.",
    "",
  ];
  for (const s of sections) {
    lines.push(`## ${s.title}`, "", s.setup, "");
    lines.push("| measure | value | baseline | ratio | target |", "|---|---|---|---|---|");
    for (const r of s.rows) {
      lines.push(
        `| ${r.measure} | ${r.value} | ${r.baseline ?? ""} | ${r.ratio ?? ""} | ${r.target ?? ""} |`,
      );
    }
    lines.push("");
  }
  lines.push("## Rerun", "", "```sh", command, "```", "");
  return lines.join("\n");
}
