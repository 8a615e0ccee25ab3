// Every process and temp dir a benchmark starts, so that none outlives the run: a server left
// listening would skew the next section's figures and the next run's.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanEnv, freePort } from "../test/fixtures/process.ts";

export { freePort };

export const ROOT = join(import.meta.dir, "..");
export const BUN = process.execPath;
export const CLI = [BUN, join(ROOT, "src", "cli.ts")];
export const BARE = [BUN, join(import.meta.dir, "bare-server.ts")];

type Child = ReturnType<typeof Bun.spawn>;
const children = new Set<Child>();
const dirs = new Set<string>();

export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rabbithole-bench-${name}-`));
  dirs.add(dir);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  dirs.delete(dir);
}

/** Spawns a child that is killed when the benchmark exits, however it exits. */
export function spawnTracked(cmd: string[], quiet = true): Child {
  const proc = Bun.spawn(cmd, {
    cwd: ROOT,
    env: cleanEnv,
    stdin: "ignore",
    // A server's log is not read; piping it unread could fill the pipe and stall the server.
    stdout: quiet ? "ignore" : "pipe",
    stderr: quiet ? "ignore" : "pipe",
  });
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}

/** SIGTERM lets a server close its database cleanly; SIGKILL follows if it takes over 5 s. */
export async function stop(proc: Child, signal: "SIGTERM" | "SIGKILL" = "SIGTERM") {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
  await proc.exited;
  clearTimeout(timer);
}

export function cleanup(): void {
  for (const proc of children) proc.kill("SIGKILL");
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}

/** Polls until `url` answers 200; the time from `since` to that answer, in ms. */
export async function waitReady(url: string, proc: Child, since: number, limitMs = 20_000) {
  const deadline = since + limitMs;
  while (performance.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${url}: server exited ${proc.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return performance.now() - since;
    } catch {
      // Not listening yet: connection refused comes back at once, so poll again soon.
    }
    await Bun.sleep(1);
  }
  throw new Error(`${url}: no answer within ${limitMs} ms`);
}

export interface Running {
  proc: Child;
  url: string;
  startMs: number;
}

/**
 * BENCH_PIN=1 puts servers on CPU 1 and wrk on CPU 0 (taskset): a Bun server runs its requests
 * on one thread, and unpinned it competes with wrk for both cores, which shows up as scheduler
 * stalls in the latency tail rather than as anything the server does.
 */
export const PINNED = process.env.BENCH_PIN === "1" && Bun.which("taskset") !== null;
export const pinned = (cpu: number, cmd: string[]) =>
  PINNED ? ["taskset", "-c", String(cpu), ...cmd] : cmd;

/** Starts a server command on a free loopback port and waits until it answers `/__health`. */
export async function startServing(cmd: string[], extra: string[] = []): Promise<Running> {
  const port = freePort();
  const since = performance.now();
  const args = [...cmd, ...extra, "--port", String(port), "--host", "127.0.0.1"];
  const proc = spawnTracked(pinned(1, args));
  const url = `http://127.0.0.1:${port}`;
  try {
    const startMs = await waitReady(`${url}/__health`, proc, since);
    return { proc, url, startMs };
  } catch (err) {
    await stop(proc, "SIGKILL");
    throw err;
  }
}

/** `bun src/cli.ts --offline --db <db>` on a free loopback port. */
export function startRabbithole(db: string, cmd: string[] = CLI): Promise<Running> {
  return startServing(cmd, ["--offline", "--db", db]);
}

/** The bare `Bun.serve` baseline answering every path with the bytes of `file`. */
export function startBare(file: string): Promise<Running> {
  return startServing(BARE, ["--file", file]);
}

/**
 * Resident set size of a process in MB, from /proc (Linux only), and its anonymous part: the
 * heaps, as opposed to mapped files such as the executable and SQLite's pages.
 */
export async function rssMb(pid: number): Promise<{ rss: number; anon: number }> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const field = (name: string) => {
    const kb = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1];
    if (!kb) throw new Error(`no ${name} for pid ${pid}`);
    return Number(kb) / 1024;
  };
  return { rss: field("VmRSS"), anon: field("RssAnon") };
}

export const fileMb = (path: string) => `${(statSync(path).size / 2 ** 20).toFixed(0)} MB`;

/** Seconds per wrk run: BENCH_SECONDS, default 10. */
export function benchSeconds(fallback = 10): number {
  const n = Number(process.env.BENCH_SECONDS);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
