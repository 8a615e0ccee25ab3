// scripts/junit-summary.ts, which .ci/run ends with: the one `N passed, N failed` line CI reads,
// from a real `bun test --reporter=junit` run, and a non-zero exit on any failure or doubt.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consoleFailures, formatLine, summarize } from "../../scripts/junit-summary.ts";

const SCRIPT = join(import.meta.dir, "../../scripts/junit-summary.ts");
const dir = mkdtempSync(join(tmpdir(), "rabbithole-junit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(cmd: string[]) {
  const proc = Bun.spawn(cmd, { cwd: dir, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, code };
}

/** Runs `bun test` on one file as .ci/run does, then the summary over its report and log. */
async function ciOn(source: string, extra: string[] = []) {
  writeFileSync(join(dir, "sample.test.ts"), source);
  const xml = join(dir, "junit.xml");
  rmSync(xml, { force: true });
  const tests = await run([
    process.execPath,
    "test",
    "--reporter=junit",
    `--reporter-outfile=${xml}`,
    "./sample.test.ts",
  ]);
  const log = join(dir, "test.log");
  writeFileSync(log, tests.stdout + tests.stderr);
  const args = [xml, "--log", log, "--exit-code", String(tests.code), ...extra];
  return run([process.execPath, SCRIPT, ...args]);
}

describe("junit-summary", () => {
  test("counts a real run: passes, failures by name, skips; exit 1", async () => {
    const r = await ciOn(`import { test, expect } from "bun:test";
test("one", () => expect(1).toBe(1));
test("two", () => expect(2).toBe(2));
test("broken", () => expect(1).toBe(2));
test.skip("later", () => {});
`);
    expect(r.stdout).toContain("FAILED");
    expect(r.stdout).toContain("broken");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("2 passed, 1 failed, 1 skipped");
    expect(r.code).toBe(1);
  });

  test("all green: exit 0, and the line is the last one", async () => {
    const r = await ciOn(`import { test } from "bun:test";\ntest("ok", () => {});\n`);
    expect(r.stdout.trimEnd()).toBe("1 passed, 0 failed");
    expect(r.code).toBe(0);
  });

  test("a failed lint or typecheck counts as a failure", async () => {
    const r = await ciOn(`import { test } from "bun:test";\ntest("ok", () => {});\n`, [
      "--failed-checks",
      "2",
    ]);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 passed, 2 failed");
    expect(r.code).toBe(1);
  });

  test("a file that throws while loading is a failure, not a silent pass", async () => {
    const r = await ciOn(`throw new Error("cannot load");\n`);
    expect(r.stdout).toMatch(/^\d+ passed, [1-9]\d* failed$/m);
    expect(r.code).toBe(1);
  });

  test("no report at all is a failure", async () => {
    const r = await run([process.execPath, SCRIPT, join(dir, "absent.xml")]);
    expect(r.stdout).toContain("ERROR no JUnit report");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("0 passed, 0 failed");
    expect(r.code).toBe(1);
  });

  test("the pieces: XML entities in names, console counts, the line", () => {
    const xml =
      '<testsuite><testcase name="a &gt; b" file="x.test.ts"><failure/></testcase>' +
      '<testcase name="c"/><testcase name="d"><skipped/></testcase></testsuite>';
    const s = summarize(xml);
    expect(s).toEqual({ passed: 1, failed: 1, skipped: 1, failures: ["x.test.ts > a > b"] });
    expect(consoleFailures(" 3 pass\n 2 fail\n")).toBe(2);
    expect(formatLine({ ...s, skipped: 0 })).toBe("1 passed, 1 failed");
  });
});
