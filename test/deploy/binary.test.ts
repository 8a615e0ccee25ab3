// The release binary, run the way a user runs a download: copied alone into an empty directory,
// with no ANTHROPIC_*/RABBITHOLE_* variables, next to a .env and a bunfig.toml that a compiled
// Bun program would silently load unless the build switched that off.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binaryName, DIST, hostTarget, ROOT, resolveVersion } from "../../scripts/build.ts";
import { gracefulStopCases } from "../fixtures/graceful-stop.ts";

const TARGET = hostTarget();
const VERSION = resolveVersion(process.env);
const BUILT = TARGET ? join(DIST, binaryName(TARGET)) : "";
if (!TARGET) console.warn(`skipping binary tests: no release target for ${process.platform}`);

let dir = "";
let bin = "";

function newestInput(path = join(ROOT, "src")): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestInput(join(path, name))));
}

interface Ran {
  code: number;
  out: string;
  err: string;
}

type RunOptions = { cwd?: string; env?: Record<string, string | undefined> };

// The timeout only matters when a test fails: a server that started by mistake is killed.
async function run(cmd: string[], opts: RunOptions = {}) {
  const proc = Bun.spawn(cmd, { ...opts, stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out, err } satisfies Ran;
}

/** Only what a login shell would surely have; HOME is the scratch dir. */
const userEnv = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir });
const rabbithole = (...args: string[]) => run([bin, ...args], { cwd: dir, env: userEnv() });

/** A binary newer than every input that reports the version a build would inject is reused. */
async function isFresh(): Promise<boolean> {
  try {
    const inputs = ["package.json", "bun.lock", "scripts/build.ts"].map((f) => join(ROOT, f));
    const newest = Math.max(newestInput(), ...inputs.map((f) => statSync(f).mtimeMs));
    if (statSync(BUILT).mtimeMs <= newest) return false;
  } catch {
    return false;
  }
  return (await run([BUILT, "--version"])).out === `${VERSION}\n`;
}

function freePort(): number {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = probe;
  probe.stop(true);
  return port;
}

describe.skipIf(!TARGET)(`the ${TARGET} binary`, () => {
  beforeAll(async () => {
    if (!(await isFresh())) {
      const built = await run([process.execPath, "scripts/build.ts", TARGET ?? ""], { cwd: ROOT });
      if (built.code !== 0) throw new Error(`build failed (${built.code}):\n${built.err}`);
    }
    dir = mkdtempSync(join(tmpdir(), "rabbithole-bin-"));
    bin = join(dir, "rabbithole");
    copyFileSync(BUILT, bin);
    // Traps: each would show up in the tests below if the binary read it.
    writeFileSync(join(dir, ".env"), "ANTHROPIC_API_KEY=sk-ant-from-dotenv\n");
    writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
    writeFileSync(join(dir, "preload.ts"), 'console.log("bunfig.toml was loaded");\n');
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("--version prints the version alone", async () => {
    expect(await rabbithole("--version")).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
  });

  test("--help exits 0 and documents the options", async () => {
    const help = await rabbithole("--help");
    expect(help.code).toBe(0);
    for (const word of ["--seed", "--offline", "--port", "ANTHROPIC_API_KEY"]) {
      expect(help.out).toContain(word);
    }
    expect(help.out).not.toContain("bunfig.toml was loaded");
  });

  test("an unknown flag is a usage error: exit 2, naming the flag", async () => {
    const res = await rabbithole("--no-such-flag");
    expect(res.code).toBe(2);
    expect(res.err).toContain("--no-such-flag");
  });

  test("without an API key (a .env does not count) and without --offline: exit 2", async () => {
    const res = await rabbithole("--seed", "a site about moths", "--port", String(freePort()));
    expect(res.code).toBe(2);
    expect(res.err).toContain("ANTHROPIC_API_KEY");
    expect(res.err).toContain("--offline");
  }, 15_000);

  test("--offline serves a generated site and keeps it in its database", async () => {
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = Bun.spawn(
      [bin, "--offline", "--seed", "A field guide to moths", "--host", "127.0.0.1"].concat([
        "--port",
        String(port),
        "--db",
        "site.db",
      ]),
      { cwd: dir, env: userEnv(), stdout: "pipe", stderr: "pipe" },
    );
    const logs = Promise.all([
      new Response(server.stdout).text(),
      new Response(server.stderr).text(),
    ]);
    try {
      let health = 0;
      for (let i = 0; i < 100 && health !== 200 && server.exitCode === null; i++) {
        health = await fetch(`${base}/__health`).then(
          (r) => r.status,
          () => 0,
        );
        if (health !== 200) await Bun.sleep(100);
      }
      expect({ health, exited: server.exitCode }).toEqual({ health: 200, exited: null });
      const home = await fetch(`${base}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get("content-type")).toContain("text/html");
      expect(await home.text()).toContain("Placeholder page");
    } catch (err) {
      server.kill("SIGKILL");
      console.error((await logs).join("\n"));
      throw err;
    } finally {
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
      await server.exited;
      clearTimeout(timer);
    }
    const pages = await rabbithole("pages", "--db", "site.db", "--json");
    expect(pages.code).toBe(0);
    expect((JSON.parse(pages.out) as { key?: string }[]).map((p) => p.key)).toContain("/");
  }, 30_000);

  describe("graceful stop", () => {
    gracefulStopCases(() => [bin]);
  });
});

describe("scripts/build.ts", () => {
  test("an unknown target is a usage error that lists the targets: exit 2", async () => {
    const res = await run([process.execPath, "scripts/build.ts", "windows-amd64"], { cwd: ROOT });
    expect(res.code).toBe(2);
    expect(res.err).toContain('unknown target "windows-amd64"');
    expect(res.err).toContain("linux-amd64, linux-arm64, macos-amd64, macos-arm64, host");
  });

  test("a version that is not semver is refused before anything is built", async () => {
    const env = { ...process.env, RABBITHOLE_VERSION: "latest" };
    const res = await run([process.execPath, "scripts/build.ts", "host"], { cwd: ROOT, env });
    expect(res.code).toBe(2);
    expect(res.err).toContain('version "latest" is not semver');
  });

  test("the version comes from RABBITHOLE_VERSION, then a v* tag in CI, then package.json", () => {
    expect(resolveVersion({ RABBITHOLE_VERSION: "2.0.0-rc.1" }, "0.1.0")).toBe("2.0.0-rc.1");
    const tag = { GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v1.4.0" };
    expect(resolveVersion(tag, "0.1.0")).toBe("1.4.0");
    expect(resolveVersion({ ...tag, GITHUB_REF_TYPE: "branch" }, "0.1.0")).toBe("0.1.0");
    expect(resolveVersion({ RABBITHOLE_VERSION: "" }, "0.1.0")).toBe("0.1.0");
  });
});
