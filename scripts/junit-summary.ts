// Turns `bun test --reporter=junit` output into the one line CI recognises,
// `N passed, N failed[, N skipped]`, and an exit code that is non-zero on any doubt.
//
//   bun scripts/junit-summary.ts JUNIT.xml [--log TEST.log] [--exit-code N] [--failed-checks N]
//
// The JUnit file alone is not enough: a test file that throws while loading is missing from it
// (and when it is the only file, Bun writes no report at all), so the runner's own exit code and
// console summary (`--log`) are consulted too.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|\w+);/gi, (whole, name: string) => {
    if (name[0] !== "#") return ENTITIES[name] ?? whole;
    const hex = name[1] === "x" || name[1] === "X";
    return String.fromCodePoint(Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10));
  });
}

function attribute(tag: string, name: string): string {
  const match = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return match?.[1] ? unescapeXml(match[1]) : "";
}

/** Counts test cases; Bun escapes `>` inside attributes, so a tag ends at the first `>`. */
export function summarize(xml: string): Summary {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const [, tag = "", body = ""] = match;
    if (/<(failure|error)\b/.test(body)) {
      summary.failed += 1;
      const where = [attribute(tag, "file"), attribute(tag, "classname")].filter(Boolean);
      summary.failures.push([...where, attribute(tag, "name")].join(" > "));
    } else if (/<skipped\b/.test(body)) {
      summary.skipped += 1;
    } else {
      summary.passed += 1;
    }
  }
  return summary;
}

/** The `N fail` count from Bun's console summary, which includes files that failed to load. */
export function consoleFailures(log: string): number {
  const counts = [...log.matchAll(/^\s*(\d+) fail\s*$/gm)];
  return Number(counts.at(-1)?.[1] ?? 0);
}

export function formatLine({ passed, failed, skipped }: Summary): string {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      log: { type: "string" },
      "exit-code": { type: "string", default: "0" },
      "failed-checks": { type: "string", default: "0" },
    },
  });
  const [file] = positionals;
  if (!file) {
    console.error("usage: junit-summary JUNIT.xml [--log F] [--exit-code N] [--failed-checks N]");
    return 2;
  }
  const problems: string[] = [];
  const report = existsSync(file);
  const summary = report ? summarize(readFileSync(file, "utf8")) : summarize("");
  if (!report) problems.push(`no JUnit report at ${file}: no test files, or the runner died`);

  const log = values.log && existsSync(values.log) ? readFileSync(values.log, "utf8") : "";
  const logged = consoleFailures(log);
  if (logged > summary.failed) {
    problems.push(
      `${logged - summary.failed} failure(s) outside any test (a file failed to load?)`,
    );
    summary.failed = logged;
  }
  if (summary.passed + summary.failed === 0) problems.push("no tests ran");
  const exitCode = Number(values["exit-code"]);
  if (exitCode !== 0 && summary.failed === 0) {
    problems.push(`bun test exited with ${exitCode} although no test failed`);
    summary.failed = 1;
  }
  const checks = Number(values["failed-checks"]);
  if (checks > 0) problems.push(`${checks} check(s) failed (lint/typecheck): counted as failures`);
  summary.failed += checks;

  for (const name of summary.failures) console.log(`FAILED ${name}`);
  for (const problem of problems) console.log(`ERROR ${problem}`);
  console.log(formatLine(summary));
  return summary.failed > 0 || summary.passed === 0 ? 1 : 0;
}

if (import.meta.main) process.exit(main());
