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
  /** Keep the shipped (Consul) lease block instead of the static one: to check its keys. */
  shippedLease?: boolean;
}

/** Replaces exactly one match: a shipped file that no longer has it fails loudly. */
function replaceOnce(text: string, from: RegExp, to: string, what: string): string {
  const found = text.match(new RegExp(from.source, `${from.flags.replace("g", "")}g`));
  if (found?.length !== 1)
    throw new Error(`etc/litefs.yml: ${what}: ${found?.length ?? 0} matches`);
  return text.replace(from, to);
}

/**
 * The shipped file's text with this node's dirs, ports and lease, edited in place: comments,
 * `${VAR}` expansion and YAML typing stay LiteFS's to read, exactly as on a Fly machine.
 */
export function nodeConfig(node: NodeSpec, shipped = readFileSync(SHIPPED_CONFIG, "utf8")): string {
  const { proxy, app, http } = node.ports;
  let text = replaceOnce(
    shipped,
    /^( +dir: )"\/litefs"$/m,
    `$1"${join(node.dir, "mnt")}"`,
    "fuse.dir",
  );
  text = replaceOnce(
    text,
    /^( +dir: )"\/var\/lib\/litefs"$/m,
    `$1"${join(node.dir, "data")}"`,
    "data.dir",
  );
  text = replaceOnce(text, /^( +addr: )":8080"$/m, `$1"127.0.0.1:${proxy}"`, "proxy.addr");
  text = replaceOnce(text, /^( +target: "localhost):8081"$/m, `$1:${app}"`, "proxy.target");
  text = replaceOnce(text, /^( +addr: )":20202"$/m, `$1"127.0.0.1:${http}"`, "http.addr");
  text = replaceOnce(text, /--port 8081/, `--port ${app}`, "the server's port");
  text = text.replaceAll(SHIPPED_BIN, node.bin);
  if (node.shippedLease) return text;
  const lease = [
    "lease:",
    '  type: "static"',
    `  candidate: ${node.name === "primary"}`,
    `  hostname: "${PRIMARY_HOSTNAME}"`,
    `  advertise-url: "http://127.0.0.1:${node.primaryHttpPort}"`,
    "",
  ].join("\n");
  // The block runs from `lease:` to the next line that starts a top-level key or comment.
  return replaceOnce(text, /^lease:\n(?:[ \n].*\n|\n)*/m, `${lease}\n`, "the lease block");
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
  opts: {
    litefs?: string;
    timeoutMs?: number;
    echo?: boolean;
    node?: LiteFSNode;
    /** etc/litefs.yml's text, unless given. */
    shipped?: string;
  } = {},
): Promise<LiteFSNode> {
  for (const sub of ["mnt", "data"]) mkdirSync(join(spec.dir, sub), { recursive: true });
  const configPath = join(spec.dir, "litefs.yml");
  writeFileSync(configPath, nodeConfig(spec, opts.shipped));
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
      if (opts.echo) process.stdout.write(s.replace(/^(?=.)/gm, `[${spec.name}] `));
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
      const exit = proc.exitCode;
      await stopNode(node, 1000);
      throw new Error(`litefs ${spec.name} did not come up (exit ${exit}):\n${text}`);
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
