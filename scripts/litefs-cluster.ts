// A two-node LiteFS cluster on loopback, built from the shipped etc/litefs.yml: the primary holds
// a static lease, the replica (`candidate: false`) streams from it. Only what must differ
// between two machines on one host is substituted; every other key is the deployed one, so a
// key LiteFS rejects fails here too. Used by the cluster tests and `bun run cluster`.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SHIPPED_CONFIG = join(import.meta.dir, "../etc/litefs.yml");
/** The binary path and app port etc/litefs.yml runs on a Fly machine. */
const SHIPPED_BIN = "/usr/local/bin/rabbithole";
/** What the replica's static lease names the primary: LiteFS writes it to `.primary`. */
export const PRIMARY_HOSTNAME = "rabbithole-primary";

export interface NodePorts {
  proxy: number;
  app: number;
  http: number;
}

export interface NodeSpec {
  name: "primary" | "replica";
  /** Holds `mnt/` (fuse.dir), `data/` (data.dir), `litefs.yml` and `litefs.log`. */
  dir: string;
  ports: NodePorts;
  /** The primary's node API port, the replica's `advertise-url`. */
  primaryHttpPort: number;
  /** The rabbithole binary (or a command line) in place of /usr/local/bin/rabbithole. */
  bin: string;
}

type Yaml = Record<string, unknown>;
type ExecEntry = { cmd: string; "if-candidate"?: boolean };

function replaceOnce(text: string, from: string | RegExp, to: string, what: string): string {
  const out = text.replace(from, to);
  if (out === text) throw new Error(`etc/litefs.yml: ${what} not found in ${JSON.stringify(text)}`);
  return out;
}

/** The shipped config, with this node's dirs, ports and lease. JSON is YAML, so LiteFS reads it. */
export function nodeConfig(node: NodeSpec, shipped = readFileSync(SHIPPED_CONFIG, "utf8")): string {
  const config = Bun.YAML.parse(shipped) as Yaml;
  const section = (key: string) => {
    const value = config[key];
    if (!value || typeof value !== "object") throw new Error(`etc/litefs.yml: no ${key} section`);
    return value as Yaml;
  };
  section("fuse").dir = join(node.dir, "mnt");
  section("data").dir = join(node.dir, "data");
  section("http").addr = `127.0.0.1:${node.ports.http}`;
  const proxy = section("proxy");
  proxy.addr = `127.0.0.1:${node.ports.proxy}`;
  proxy.target = replaceOnce(String(proxy.target), /:\d+$/, `:${node.ports.app}`, "proxy.target");
  const primary = node.name === "primary";
  config.lease = {
    type: "static",
    candidate: primary,
    hostname: PRIMARY_HOSTNAME,
    "advertise-url": `http://127.0.0.1:${node.primaryHttpPort}`,
  };
  const exec = config.exec as ExecEntry[];
  config.exec = exec.map((entry) => {
    let cmd = replaceOnce(entry.cmd, SHIPPED_BIN, node.bin, "the rabbithole path");
    if (/--port/.test(cmd))
      cmd = replaceOnce(cmd, /--port \d+/, `--port ${node.ports.app}`, "port");
    return { ...entry, cmd };
  });
  return JSON.stringify(config, null, 2);
}

export interface LiteFSNode {
  spec: NodeSpec;
  mount: string;
  dbPath: string;
  proxyUrl: string;
  appUrl: string;
  /** Everything LiteFS and the rabbithole processes it ran printed, this run and earlier ones. */
  log(): string;
  proc: ReturnType<typeof Bun.spawn> | null;
  /** The rabbithole server LiteFS started: still running when LiteFS itself was killed. */
  apps: number[];
}

/** Writes the node's config and starts `litefs mount`; resolves once the proxy answers /__health. */
export async function startNode(
  spec: NodeSpec,
  env: Record<string, string>,
  opts: { litefs?: string; timeoutMs?: number; echo?: boolean; node?: LiteFSNode } = {},
): Promise<LiteFSNode> {
  for (const sub of ["mnt", "data"]) mkdirSync(join(spec.dir, sub), { recursive: true });
  const configPath = join(spec.dir, "litefs.yml");
  writeFileSync(configPath, nodeConfig(spec));
  const mount = join(spec.dir, "mnt");
  const node: LiteFSNode = opts.node ?? {
    spec,
    mount,
    dbPath: join(mount, "rabbithole.db"),
    proxyUrl: `http://127.0.0.1:${spec.ports.proxy}`,
    appUrl: `http://127.0.0.1:${spec.ports.app}`,
    log: () => text,
    proc: null,
    apps: [],
  };
  let text = opts.node?.log() ?? "";
  node.log = () => text;
  const proc = Bun.spawn([opts.litefs ?? "litefs", "mount", "-config", configPath], {
    cwd: spec.dir,
    env: { ...env, DATABASE_URL: `sqlite://${node.dbPath}` },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  node.proc = proc;
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const s = decoder.decode(chunk);
      text += s;
      if (opts.echo) process.stdout.write(s.replace(/^/gm, `[${spec.name}] `));
    }
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>);
  void pump(proc.stderr as ReadableStream<Uint8Array>);
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const ok = await fetch(`${node.proxyUrl}/__health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) {
      node.apps = childPids(proc.pid);
      return node;
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`litefs ${spec.name} did not come up (exit ${proc.exitCode}):\n${text}`);
    }
    await Bun.sleep(50);
  }
}

/** Pids of the processes LiteFS started (the rabbithole server), from /proc. Go forks from
 * any of its threads, and each thread lists only its own children. */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * Stops a node however it is: SIGTERM to LiteFS (forwarded to rabbithole), SIGKILL after
 * `graceMs`, then any rabbithole left behind, then a lazy unmount of a mount LiteFS could not
 * release. Safe to call twice, and on a node that already died.
 */
export async function stopNode(node: LiteFSNode, graceMs = 10_000): Promise<void> {
  const proc = node.proc;
  const orphans = [...new Set([...(proc ? childPids(proc.pid) : []), ...node.apps])];
  if (proc && proc.exitCode === null && proc.signalCode === null) {
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
    await proc.exited;
    clearTimeout(timer);
  }
  // Only a process that still runs this node's binary and port: a pid may have been reused.
  for (const pid of orphans) if (runsApp(pid, node)) process.kill(pid, "SIGKILL");
  unmount(node.mount);
}

function runsApp(pid: number, node: LiteFSNode): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmd.includes(node.spec.bin) && cmd.includes(String(node.spec.ports.app));
  } catch {
    return false;
  }
}

export function unmount(mount: string): void {
  if (!readFileSync("/proc/mounts", "utf8").includes(` ${mount} `)) return;
  Bun.spawnSync(["fusermount3", "-u", "-z", mount], { stdout: "ignore", stderr: "ignore" });
}
