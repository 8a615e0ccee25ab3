// The shape every benchmark returns, and the BENCHMARKS.md writer.
import { cpus, totalmem } from "node:os";

export interface Row {
  measure: string;
  value: string;
  baseline?: string;
  ratio?: string;
  target?: string;
  /** Whether the target is met; left out for rows without a target. */
  met?: boolean;
}

export interface Section {
  title: string;
  setup: string;
  rows: Row[];
  /** What the figures suggest, in a sentence or two each. */
  notes?: string[];
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

const today = () => new Date().toISOString().slice(0, 10);

function renderSection(s: Section, command: string): string {
  const result = (r: Row) => (r.met === undefined ? "" : r.met ? "met" : "**missed**");
  const lines = [`## ${s.title}`, "", `_\`${command}\`, ${today()}._ ${s.setup}`, ""];
  lines.push("| measure | value | baseline | ratio | target | |", "|---|---|---|---|---|---|");
  for (const r of s.rows) {
    const cells = [r.measure, r.value, r.baseline, r.ratio, r.target, result(r)];
    // An error message may hold a pipe or a newline, which would break the table.
    const cell = (c?: string) => (c ?? "").replaceAll("|", "\\|").replace(/\s*\n\s*/g, " ");
    lines.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  if (s.notes?.length) lines.push("", ...s.notes.map((n) => `- ${n}`));
  return lines.join("\n");
}

const GLANCE = "Targets at a glance";

/** Every row with a target, from every section as it now stands: what a reader asks first. */
function glance(titles: string[], blocks: Map<string, string>): string[] {
  const out = [
    `## ${GLANCE}`,
    "",
    "| section | measure | value | target | |",
    "|---|---|---|---|---|",
  ];
  for (const t of titles) {
    for (const line of (blocks.get(t) ?? "").split("\n")) {
      // Cells split on pipes that are not escaped (renderSection escapes those inside a cell).
      const cells = line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim());
      const [measure, value, , ratio, target, result] = cells;
      if (cells.length !== 6 || (result !== "met" && result !== "**missed**")) continue;
      const shown = ratio ? `${value} (${ratio})` : value;
      out.push(`| ${t} | ${measure} | ${shown} | ${target} | ${result} |`);
    }
  }
  return out;
}

/** The `## ` sections of an earlier BENCHMARKS.md, by title. */
function previousSections(previous: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of previous.split(/^(?=## )/m).slice(1)) {
    const title = /^## (.*)$/m.exec(block)?.[1]?.trim();
    if (title && title !== "Rerun" && title !== GLANCE) out.set(title, block.trimEnd());
  }
  return out;
}

/**
 * BENCHMARKS.md with `sections` as measured now; a section not run this time keeps its earlier
 * figures (each says which command and day wrote it), so rerunning one section is cheap.
 */
export function renderReport(
  sections: Section[],
  command: string,
  opts: { previous?: string; order?: string[]; rerun?: string[] } = {},
): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const blocks = previousSections(opts.previous ?? "");
  for (const s of sections) blocks.set(s.title, renderSection(s, command));
  const order = opts.order ?? sections.map((s) => s.title);
  const titles = [...order, ...[...blocks.keys()].filter((t) => !order.includes(t))];
  const lines = [
    "# Benchmarks",
    "",
    `Last written by \`${command}\` on ${today()}.`,
    "",
    `Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `Bun ${Bun.version}, ${process.platform}/${process.arch}.`,
    "Machines here are noisy: compare the ratios within one run, not figures across runs.",
    "",
    ...glance(titles, blocks),
    "",
  ];
  for (const t of titles) {
    const block = blocks.get(t);
    if (block) lines.push(block, "");
  }
  lines.push("## Rerun", "", "```sh", ...(opts.rerun ?? [command]), "```", "");
  return lines.join("\n");
}
