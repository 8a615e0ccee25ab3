// Options that name files are read with a bound, and a header value is checked before the
// server starts: each bad one exits 2 at once with a message naming it.

import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, cleanEnv } from "../fixtures/process.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-bounded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(args: string[]) {
  const started = performance.now();
  const proc = Bun.spawn(
    [...CLI, "serve", "--offline", "--port", "0", "--db", join(dir, "x.db"), ...args],
    {
      cwd: dir,
      env: cleanEnv,
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stderr, ms: performance.now() - started };
}

test("/dev/zero as --seed-file, --four-oh-four or --robots-file exits 2 naming the limit", async () => {
  for (const [flag, limit, what] of <[string, string, string][]>[
    ["--seed-file", "256 KiB", "a seed"],
    ["--four-oh-four", "256 KiB", "a 404 page"],
    ["--robots-file", "500 KiB", "a robots.txt"],
  ]) {
    const args =
      flag === "--seed-file" ? [flag, "/dev/zero"] : ["--seed", "Moths", flag, "/dev/zero"];
    const r = await serve(args);
    expect({ flag, code: r.code }).toEqual({ flag, code: 2 });
    expect(r.stderr).toContain(
      `${flag} "/dev/zero" is larger than ${limit}, the most ${what} may be`,
    );
  }
});

test("a --csp value that cannot be a header exits 2 before anything starts", async () => {
  for (const [csp, shown] of [
    ["default-src 'self' https://exämple.org", '"ä" at position'],
    ["default-src 'none'; img-src ☃", '"☃" at position'],
  ]) {
    const r = await serve(["--seed", "Moths", "--csp", csp as string]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not a CSP header value");
    expect(r.stderr).toContain(shown as string);
  }
});
