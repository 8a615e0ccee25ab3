// The cross-compiled release binaries. macOS ones cannot run here, so their Mach-O headers are
// checked; the linux-arm64 one (Fly's arm machines) runs under qemu-aarch64-static when Debian's
// qemu-user-static and an arm64 glibc (libc6-arm64-cross) are installed.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  binaryName,
  DIST,
  ROOT,
  resolveVersion,
  sha256,
  TARGETS,
  type Target,
} from "../../scripts/build.ts";

const CROSS: Target[] = ["linux-arm64", "macos-amd64", "macos-arm64"];
const VERSION = resolveVersion(process.env);
const path = (target: Target) => join(DIST, binaryName(target));

/** qemu and the directory holding the arm64 dynamic loader, or why the run test is skipped. */
function findQemu(): { qemu: string; prefix: string | null } | string {
  const qemu = Bun.which("qemu-aarch64-static");
  if (!qemu) return "qemu-aarch64-static not found (apt-get install qemu-user-static)";
  if (existsSync("/lib/ld-linux-aarch64.so.1")) return { qemu, prefix: null };
  if (existsSync("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1")) {
    return { qemu, prefix: "/usr/aarch64-linux-gnu" };
  }
  return "no arm64 glibc to run a dynamic binary (apt-get install libc6-arm64-cross)";
}
const QEMU = findQemu();
if (typeof QEMU === "string") console.warn(`skipping linux-arm64 run tests: ${QEMU}`);
const underQemu = (args: string[]) => {
  if (typeof QEMU === "string") throw new Error(QEMU);
  return [QEMU.qemu, ...(QEMU.prefix ? ["-L", QEMU.prefix] : []), path("linux-arm64"), ...args];
};

async function run(cmd: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const proc = Bun.spawn(cmd, { ...opts, stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, out, err };
}

// Mach-O constants from <mach-o/loader.h> and <mach/machine.h>.
const MH_MAGIC_64 = 0xfeedfacf;
const CPU_TYPE = { "macos-amd64": 0x01000007, "macos-arm64": 0x0100000c } as const;
const MH_EXECUTE = 2;
const LC_MAIN = 0x80000028;
const LC_CODE_SIGNATURE = 0x1d;

async function machO(file: string) {
  const head = new Uint8Array(
    await Bun.file(file)
      .slice(0, 64 * 1024)
      .arrayBuffer(),
  );
  const view = new DataView(head.buffer);
  const u32 = (at: number) => view.getUint32(at, true);
  const commands: number[] = [];
  for (let i = 0, at = 32; i < u32(16) && at + 8 <= head.length; i++, at += u32(at + 4)) {
    commands.push(u32(at));
  }
  return { magic: u32(0), cpu: u32(4), fileType: u32(12), commands };
}

let scratch = "";

beforeAll(async () => {
  // Built once per run: a stale cross binary cannot be told apart without running it.
  const built = await run([process.execPath, "scripts/build.ts", ...CROSS], { cwd: ROOT });
  if (built.code !== 0) throw new Error(`build failed (${built.code}):\n${built.err}`);
  scratch = mkdtempSync(join(tmpdir(), "rabbithole-arm64-"));
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("macOS binaries", () => {
  test.each(["macos-amd64", "macos-arm64"] as const)(
    "%s is a signed Mach-O executable",
    async (t) => {
      const header = await machO(path(t));
      expect(header.magic).toBe(MH_MAGIC_64);
      expect(header.cpu).toBe(CPU_TYPE[t]);
      expect(header.fileType).toBe(MH_EXECUTE);
      expect(header.commands).toContain(LC_MAIN);
      // Apple silicon refuses to run an unsigned binary; Bun signs it ad hoc.
      expect(header.commands).toContain(LC_CODE_SIGNATURE);
    },
  );
});

describe("linux-arm64 binary", () => {
  test("is a 64-bit little-endian AArch64 ELF executable", async () => {
    const head = Buffer.from(await Bun.file(path("linux-arm64")).slice(0, 64).arrayBuffer());
    expect([...head.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(head[4]).toBe(2); // ELFCLASS64
    expect(head[5]).toBe(1); // little-endian
    expect(head.readUInt16LE(18)).toBe(183); // EM_AARCH64
  });

  test.skipIf(typeof QEMU === "string")(
    "prints its version under qemu",
    async () => {
      const res = await run(underQemu(["--version"]), {
        cwd: scratch,
        env: { PATH: "/usr/bin:/bin" },
      });
      expect(res).toEqual({ code: 0, out: `${VERSION}\n`, err: "" });
    },
    60_000,
  );

  test.skipIf(typeof QEMU === "string")(
    "serves an offline site under qemu",
    async () => {
      const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
      const port = probe.port;
      probe.stop(true);
      const args = ["--offline", "--seed", "moths", "--host", "127.0.0.1", "--port", String(port)];
      const server = Bun.spawn(underQemu([...args, "--db", "site.db"]), {
        cwd: scratch,
        env: { PATH: "/usr/bin:/bin", HOME: scratch },
        stdout: "ignore",
        stderr: "ignore",
      });
      try {
        let status = 0;
        // Emulated, start-up takes seconds instead of milliseconds.
        for (let i = 0; i < 300 && status !== 200 && server.exitCode === null; i++) {
          status = await fetch(`http://127.0.0.1:${port}/__health`).then(
            (r) => r.status,
            () => 0,
          );
          if (status !== 200) await Bun.sleep(100);
        }
        expect(status).toBe(200);
        const home = await fetch(`http://127.0.0.1:${port}/`);
        expect(home.status).toBe(200);
        expect(await home.text()).toContain("Placeholder page");
      } finally {
        server.kill("SIGKILL");
        await server.exited;
      }
    },
    90_000,
  );
});

test("dist/SHA256SUMS verifies every release binary in dist/", async () => {
  const lines = readFileSync(join(DIST, "SHA256SUMS"), "utf8").trimEnd().split("\n");
  const listed = new Map(lines.map((l) => [l.slice(66), l.slice(0, 64)]));
  for (const line of lines) expect(line).toMatch(/^[0-9a-f]{64} {2}rabbithole-[a-z0-9-]+$/);
  for (const target of Object.keys(TARGETS) as Target[]) {
    const name = binaryName(target);
    if (!existsSync(path(target))) continue;
    expect({ name, sha: listed.get(name) }).toEqual({ name, sha: await sha256(path(target)) });
  }
  for (const target of CROSS) expect(listed.has(binaryName(target))).toBe(true);
}, 30_000);
