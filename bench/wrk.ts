// wrk, driven by a Lua script that prints its own summary as one JSON line: sturdier than
// parsing the human report, whose units change with the magnitude (us, ms, s).
import { join } from "node:path";
import { PINNED, pinned, spawnTracked, stop, tempDir } from "./children.ts";

export const INSTALL_WRK = "apt-get install -y wrk";

/** Why wrk cannot run, or null when it can. */
export function wrkMissing(): string | null {
  return Bun.which("wrk") ? null : `wrk is not installed: ${INSTALL_WRK}`;
}

export interface WrkOptions {
  connections: number;
  seconds: number;
  threads?: number;
  /** Request `/p/<random>.html` among this many pages instead of the URL's own path. */
  randomKeys?: number;
  headers?: Record<string, string>;
}

export interface WrkResult {
  rps: number;
  requests: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers that were not 2xx or 3xx. */
  badStatus: number;
  socketErrors: number;
  bytesPerRequest: number;
}

const DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\\"requests\\":%d,\\"us\\":%d,\\"bytes\\":%d,\\"p50\\":%d,\\"p90\\":%d," ..
    "\\"p99\\":%d,\\"max\\":%d,\\"status\\":%d,\\"socket\\":%d}\\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, e.status,
    e.connect + e.read + e.write + e.timeout))
end
`;

// Each wrk thread has its own Lua state: seeding from a per-thread id keeps them from walking
// the same sequence of keys in lockstep.
const randomKeys = (count: number) => `
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(id * 7919)
end
function request()
  return wrk.format(nil, "/p/" .. math.random(0, ${count - 1}) .. ".html")
end
`;

function script(opts: WrkOptions): string {
  const headers = Object.entries(opts.headers ?? {}).map(
    ([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}\n`,
  );
  return headers.join("") + (opts.randomKeys ? randomKeys(opts.randomKeys) : "") + DONE;
}

let scripts: string | undefined;

export async function runWrk(url: string, opts: WrkOptions): Promise<WrkResult> {
  scripts ??= tempDir("wrk");
  const file = join(scripts, `${Bun.hash(script(opts)).toString(36)}.lua`);
  await Bun.write(file, script(opts));
  const threads = String(PINNED ? 1 : (opts.threads ?? 2));
  const cmd = ["wrk", "-t", threads, "-c", String(opts.connections), "-d", `${opts.seconds}s`];
  const proc = spawnTracked(pinned(0, [...cmd, "--timeout", "2s", "-s", file, url]), false);
  // wrk stops itself after -d; this only guards against a wedged run.
  const guard = setTimeout(() => void stop(proc, "SIGKILL"), (opts.seconds + 20) * 1000);
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  clearTimeout(guard);
  const line = /^WRK_JSON (.*)$/m.exec(out)?.[1];
  if (code !== 0 || !line) throw new Error(`wrk exited ${code}:\n${out}${err}`);
  const r = JSON.parse(line) as Record<string, number>;
  const n = (k: string) => r[k] ?? 0;
  return {
    rps: n("requests") / (n("us") / 1e6),
    requests: n("requests"),
    p50Ms: n("p50") / 1000,
    p90Ms: n("p90") / 1000,
    p99Ms: n("p99") / 1000,
    maxMs: n("max") / 1000,
    badStatus: n("status"),
    socketErrors: n("socket"),
    bytesPerRequest: n("requests") ? n("bytes") / n("requests") : 0,
  };
}

/** Refuses figures from a run where answers failed: a fast error is not a fast page. */
export function checkClean(name: string, r: WrkResult): void {
  if (r.badStatus > 0 || r.socketErrors > 0 || r.requests === 0) {
    throw new Error(
      `${name}: ${r.requests} requests, ${r.badStatus} not 2xx/3xx, ` +
        `${r.socketErrors} socket errors`,
    );
  }
}

export const rps = (x: number) => `${Math.round(x).toLocaleString("en")} req/s`;
export const msPrecise = (x: number) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
