// Release binaries: one self-contained executable per target, cross-compiled from any machine
// (Bun fetches each target's runtime from the npm registry), then dist/SHA256SUMS.
//
//   bun run build                      all four targets
//   bun run build linux-amd64 [...]    only these (also: --target NAME, host, all)
//   bun run build host                 the target of this machine
//
// Version: RABBITHOLE_VERSION, else the `v*` tag a GitHub workflow runs for, else package.json.
// Exit codes: 0 built, 1 the compiler failed, 2 a bad target, option or version.

import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };

/** Release name → Bun's compile target. The names are the release asset names (DESIGN.md). */
export const TARGETS = {
  "linux-amd64": "bun-linux-x64",
  "linux-arm64": "bun-linux-arm64",
  "macos-amd64": "bun-darwin-x64",
  "macos-arm64": "bun-darwin-arm64",
} as const;
export type Target = keyof typeof TARGETS;

export const ROOT = resolve(import.meta.dir, "..");
export const DIST = join(ROOT, "dist");
const ENTRY = join(ROOT, "src", "cli.ts");

export class BuildUsageError extends Error {}

export function binaryName(target: Target): string {
  return `rabbithole-${target}`;
}

/** The release target of the machine running this, or null (e.g. Windows). */
export function hostTarget(platform = process.platform, arch = process.arch): Target | null {
  const os = platform === "linux" ? "linux" : platform === "darwin" ? "macos" : null;
  const cpu = arch === "x64" ? "amd64" : arch === "arm64" ? "arm64" : null;
  return os && cpu ? (`${os}-${cpu}` as Target) : null;
}

export function parseTargets(names: string[]): Target[] {
  if (names.length === 0) return Object.keys(TARGETS) as Target[];
  const out = new Set<Target>();
  for (const name of names) {
    if (name === "all") for (const t of Object.keys(TARGETS)) out.add(t as Target);
    else if (name === "host") {
      const host = hostTarget();
      if (!host)
        throw new BuildUsageError(`no release target for ${process.platform}-${process.arch}`);
      out.add(host);
    } else if (name in TARGETS) out.add(name as Target);
    else {
      const known = [...Object.keys(TARGETS), "host", "all"].join(", ");
      throw new BuildUsageError(`unknown target "${name}" (targets: ${known})`);
    }
  }
  return [...out];
}

type Env = Record<string, string | undefined>;

/** Where the version comes from, first match wins; a leading "v" is dropped. */
export function resolveVersion(env: Env, pkgVersion = pkg.version): string {
  const tag = env.GITHUB_REF_TYPE === "tag" ? env.GITHUB_REF_NAME : undefined;
  const raw = env.RABBITHOLE_VERSION || (tag?.startsWith("v") ? tag : undefined) || pkgVersion;
  const version = raw.replace(/^v/, "");
  // Semver, so that `--version` output stays machine-comparable.
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new BuildUsageError(`version "${raw}" is not semver (like 1.2.3 or 1.2.3-rc.1)`);
  }
  return version;
}

// Flags straight from NOTES.md: without the autoload switches a binary would quietly read a
// .env or bunfig.toml from whatever directory it is started in.
function compileArgs(target: Target, version: string, outfile: string): string[] {
  return [
    "build",
    ENTRY,
    "--compile",
    `--target=${TARGETS[target]}`,
    "--minify",
    // Class and function names survive in logged errors and stack frames.
    "--keep-names",
    // Embedded in the executable: stack traces point at src/*.ts lines. Costs ~1 MB.
    "--sourcemap=linked",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--no-compile-autoload-tsconfig",
    "--no-compile-autoload-package-json",
    "--define",
    `RABBITHOLE_VERSION=${JSON.stringify(version)}`,
    "--outfile",
    outfile,
  ];
}

export interface Built {
  target: Target;
  path: string;
  bytes: number;
  ms: number;
}

/**
 * Compiles one target into a scratch dir first, so a failed build leaves no half file; under its
 * final name, which Bun embeds (stack frames say /$bunfs/root/<name>).
 */
export async function compile(target: Target, version: string, outDir = DIST): Promise<Built> {
  const path = join(outDir, binaryName(target));
  const scratch = join(outDir, `.building-${target}`);
  mkdirSync(scratch, { recursive: true });
  const tmp = join(scratch, binaryName(target));
  const started = performance.now();
  const proc = Bun.spawn([process.execPath, ...compileArgs(target, version, tmp)], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  try {
    if (code !== 0)
      throw new Error(`bun build for ${target} exited ${code}:\n${err || out}`.trimEnd());
    chmodSync(tmp, 0o755);
    renameSync(tmp, path);
  } finally {
    // Also drops the .map Bun writes beside it: the binary carries its own copy.
    rmSync(scratch, { recursive: true, force: true });
  }
  return { target, path, bytes: statSync(path).size, ms: performance.now() - started };
}

export async function sha256(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest("hex");
}

/**
 * `sha256sum` format for every release binary in outDir, not only this run's: the file then
 * always verifies with `sha256sum -c` whatever was built before.
 */
export async function writeChecksums(outDir = DIST): Promise<string> {
  const present = new Set(readdirSync(outDir));
  const lines: string[] = [];
  for (const target of Object.keys(TARGETS) as Target[]) {
    const name = binaryName(target);
    if (present.has(name)) lines.push(`${await sha256(join(outDir, name))}  ${name}\n`);
  }
  const file = join(outDir, "SHA256SUMS");
  await Bun.write(file, lines.join(""));
  return file;
}

/** Runs the host's binary once: a bundle that crashes at start-up must not ship. */
async function smokeTest(built: Built, version: string): Promise<void> {
  const proc = Bun.spawn([built.path, "--version"], { stdout: "pipe", stderr: "pipe" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  if (code !== 0 || out.trim() !== version) {
    throw new Error(`${built.path} --version printed ${JSON.stringify(out)}, exit ${code}`);
  }
}

// Paths as typed in a shell: relative to where the build was started when that is shorter.
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      target: { type: "string", multiple: true },
      outdir: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    const names = [...Object.keys(TARGETS), "host", "all"].join("|");
    console.log(`usage: bun run build [${names}]... [--target NAME] [--outdir DIR]`);
    return;
  }
  const targets = parseTargets([...positionals, ...(values.target ?? [])]);
  const version = resolveVersion(process.env);
  const outDir = resolve(values.outdir ?? DIST);
  if (version !== pkg.version)
    console.log(`note: version ${version}, package.json says ${pkg.version}`);
  for (const target of targets) {
    const built = await compile(target, version, outDir);
    if (target === hostTarget()) await smokeTest(built, version);
    const mb = (built.bytes / 1e6).toFixed(1);
    const secs = (built.ms / 1000).toFixed(1);
    console.log(`built ${shown(built.path)} ${version} (${mb} MB, ${secs} s)`);
  }
  console.log(`wrote ${shown(await writeChecksums(outDir))}`);
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    // parseArgs reports unknown options with a code; those are usage errors too.
    const usage =
      err instanceof BuildUsageError ||
      (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
    console.error(`build: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(usage ? 2 : 1);
  });
}
