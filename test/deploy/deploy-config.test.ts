// The deployment files must agree with each other and with the app: a port, path or name that
// drifts in one of them breaks a Fly deploy only at run time, on a machine nobody watches.
// LiteFS is not installed here, so its config is read the way LiteFS reads it: environment
// expanded first (cmd/litefs/config.go ExpandEnv), then strict YAML.

import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { TARGETS } from "../../scripts/build.ts";
import { resolveDbPath } from "../../src/config/parse.ts";

const ROOT = join(import.meta.dir, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj => (value ?? {}) as Obj;

// ── fly.toml ──────────────────────────────────────────────────────────────────────────────
const fly = Bun.TOML.parse(read("fly.toml")) as Obj;
const flyEnv = obj(fly.env) as Record<string, string>;
const service = obj(fly.http_service);
const checks = (service.checks ?? []) as Obj[];
const mounts = (fly.mounts ?? []) as Obj[];

// ── etc/litefs.yml, as LiteFS would see it on a Fly machine in the primary region ───────────
const LITEFS_TEXT = read("etc/litefs.yml");
const FLY_VM = {
  FLY_APP_NAME: String(fly.app),
  FLY_REGION: String(fly.primary_region),
  PRIMARY_REGION: flyEnv.PRIMARY_REGION ?? "",
  HOSTNAME: "e784079b449483",
  FLY_CONSUL_URL: "https://:token@consul-iad.fly-shared.net/app-abc123/",
};

/** Go's os.Expand plus LiteFS's `${A == B}` / `${A != "x"}` forms (config.go ExpandEnv). */
function expandLitefsEnv(text: string, env: Record<string, string>): string {
  const get = (name: string) => env[name] ?? "";
  return text.replace(/\$\{([^}]*)\}|\$(\w+)/g, (_, braced?: string, bare?: string) => {
    const v = (braced ?? bare ?? "").trim();
    const quoted = /^(\w+)\s*(==|!=)\s*(?:'(.*)'|"(.*)")$/.exec(v);
    const vars = /^(\w+)\s*(==|!=)\s*(\w+)$/.exec(v);
    if (quoted)
      return String((get(quoted[1] ?? "") === (quoted[3] ?? quoted[4])) === (quoted[2] === "=="));
    if (vars) return String((get(vars[1] ?? "") === get(vars[3] ?? "")) === (vars[2] === "=="));
    return get(v);
  });
}

const parseLitefs = (env: Record<string, string>) =>
  Bun.YAML.parse(expandLitefsEnv(LITEFS_TEXT, env)) as Obj;
const litefs = parseLitefs(FLY_VM);
const proxy = obj(litefs.proxy);
const lease = obj(litefs.lease);
const exec = (litefs.exec ?? []) as { cmd?: string; "if-candidate"?: boolean }[];

/** Every key LiteFS v0.5.14 accepts (cmd/litefs/config.go, decoded with KnownFields(true)). */
const LITEFS_KEYS: Obj = {
  "exit-on-error": 1,
  "skip-sync": 1,
  "strict-verify": 1,
  exec: 1,
  data: { dir: 1, compress: 1, retention: 1, "retention-monitor-interval": 1 },
  fuse: { dir: 1, "allow-other": 1, debug: 1 },
  http: { addr: 1, "snapshot-timeout": 1 },
  proxy: {
    addr: 1,
    target: 1,
    db: 1,
    "max-lag": 1,
    debug: 1,
    passthrough: 1,
    "always-forward": 1,
    "primary-redirect-timeout": 1,
    "read-timeout": 1,
    "read-header-timeout": 1,
    "write-timeout": 1,
    "idle-timeout": 1,
  },
  lease: {
    type: 1,
    hostname: 1,
    "advertise-url": 1,
    candidate: 1,
    promote: 1,
    "reconnect-delay": 1,
    "demote-delay": 1,
    databases: 1,
    consul: { url: 1, key: 1, ttl: 1, "lock-delay": 1 },
  },
  backup: { type: 1, path: 1, url: 1, cluster: 1, "auth-token": 1 },
  log: { format: 1, timestamp: 1, debug: 1 },
  tracing: { enabled: 1, path: 1, "max-size": 1, "max-count": 1, compress: 1 },
};

function unknownKeys(value: Obj, allowed: Obj, prefix = ""): string[] {
  return Object.entries(value).flatMap(([key, child]) => {
    const rule = allowed[key];
    if (rule === undefined) return [`${prefix}${key}`];
    if (typeof rule !== "object") return [];
    if (child === null || typeof child !== "object" || Array.isArray(child)) {
      return [`${prefix}${key} (must be a mapping)`];
    }
    return unknownKeys(child as Obj, rule as Obj, `${prefix}${key}.`);
  });
}

/** LiteFS's http.CompileMatch: `*` is the only wildcard and the match is anchored. */
function litefsMatch(glob: string, path: string): boolean {
  const source = glob.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("\\*", ".*");
  return new RegExp(`^${source}$`).test(path);
}

const portOf = (addr: unknown) => Number(/:(\d+)$/.exec(String(addr))?.[1]);

// ── Dockerfile, line-based: continuations joined, comments dropped ────────────────────────────
interface Instruction {
  op: string;
  args: string;
  stage: number;
}
const instructions: Instruction[] = [];
{
  let stage = -1;
  const text = read("Dockerfile").replace(/\\\r?\n/g, " ");
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [op = "", ...rest] = line.split(/\s+/);
    if (op.toUpperCase() === "FROM") stage++;
    instructions.push({ op: op.toUpperCase(), args: rest.join(" "), stage });
  }
}
const froms = instructions.filter((i) => i.op === "FROM");
const lastStage = froms.length - 1;
const inFinal = (op: string) => instructions.filter((i) => i.op === op && i.stage === lastStage);
/** COPY sources and destination, with --from if any. */
function copies(): { from: string | null; src: string; dest: string }[] {
  return inFinal("COPY").map((i) => {
    const words = i.args.split(/\s+/);
    const from = words.find((w) => w.startsWith("--from="))?.slice("--from=".length) ?? null;
    const paths = words.filter((w) => !w.startsWith("--"));
    return { from, src: paths.slice(0, -1).join(" "), dest: paths.at(-1) ?? "" };
  });
}

// ── the app's side of the contract ─────────────────────────────────────────────────────────
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [join(dir, e.name)]
        : [],
  );
}
const APP_SOURCE = sourceFiles(join(ROOT, "src"))
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");

const dbPath = resolveDbPath(flyEnv.DATABASE_URL ?? "");
const appCmd = exec.at(-1)?.cmd ?? "";
const [appBinary = "", ...appArgs] = appCmd.split(/\s+/);

describe("etc/litefs.yml", () => {
  test("uses only keys LiteFS 0.5 knows (it refuses to start on any other)", () => {
    expect(unknownKeys(litefs, LITEFS_KEYS)).toEqual([]);
    const execKeys = exec
      .flatMap((e) => Object.keys(e))
      .filter((k) => !["cmd", "if-candidate"].includes(k));
    expect(execKeys).toEqual([]);
    // The reference document's invention: not a key, so LiteFS would exit at start-up.
    expect(Object.keys(proxy)).not.toContain("passthrough-on-error");
  });

  test("mounts FUSE where DATABASE_URL points, and tracks that database file", () => {
    expect(dbPath).toBe("/litefs/rabbithole.db");
    expect(litefs.fuse).toEqual({ dir: dirname(dbPath) });
    expect(proxy.db).toBe(basename(dbPath));
  });

  test("keeps its data on the Fly volume", () => {
    expect(obj(litefs.data).dir).toBe("/var/lib/litefs");
    expect(mounts.map((m) => m.destination)).toEqual([obj(litefs.data).dir]);
  });

  test("proxies Fly's port to the port the app is started on", () => {
    expect(portOf(proxy.addr)).toBe(service.internal_port as number);
    expect(String(proxy.target)).toMatch(/^(localhost|127\.0\.0\.1):\d+$/);
    expect(appArgs).toContain("--port");
    expect(portOf(proxy.target)).toBe(Number(appArgs[appArgs.indexOf("--port") + 1]));
    const ports = [proxy.addr, proxy.target, obj(litefs.http).addr].map(portOf);
    expect(new Set(ports).size).toBe(3);
  });

  test("passes system routes through as anchored globs, never regexes", () => {
    const globs = proxy.passthrough as string[];
    expect(globs.some((g) => litefsMatch(g, "/__health"))).toBe(true);
    for (const glob of globs) expect(glob).toMatch(/^[/*][A-Za-z0-9_./*-]*$/);
    // Anchored: a page that merely contains the route is still proxied normally.
    expect(globs.some((g) => litefsMatch(g, "/a/__health"))).toBe(false);
    expect(globs.some((g) => litefsMatch(g, "/"))).toBe(false);
  });

  test("only the primary region's machines may take the lease, and they do", () => {
    expect(lease.type).toBe("consul");
    expect(lease.candidate).toBe(true);
    expect(obj(parseLitefs({ ...FLY_VM, FLY_REGION: "ams" }).lease).candidate).toBe(false);
    expect(lease.promote).toBe(true);
    const consul = obj(lease.consul);
    expect(consul.url).toBe(FLY_VM.FLY_CONSUL_URL);
    expect(consul.key).toBe(`litefs/${FLY_VM.FLY_APP_NAME}`);
  });

  test("advertises this machine's private address on the LiteFS API port", () => {
    const http = portOf(obj(litefs.http).addr);
    const want = `http://${FLY_VM.HOSTNAME}.vm.${FLY_VM.FLY_APP_NAME}.internal:${http}`;
    expect(lease["advertise-url"]).toBe(want);
  });

  test("exec: migrations on a candidate only, then the server as the last command", () => {
    expect(exec.length).toBeGreaterThanOrEqual(2);
    for (const step of exec.slice(0, -1)) expect(step["if-candidate"]).toBe(true);
    expect(exec.slice(0, -1).map((e) => e.cmd)).toContain(`${appBinary} migrate`);
    // The long-running app must run on every machine: replicas serve too.
    expect(exec.at(-1)?.["if-candidate"]).toBeUndefined();
    expect(appArgs).not.toContain("migrate");
  });

  test("exec runs the binary the Dockerfile installs, with commands the app has", async () => {
    expect(copies().map((c) => c.dest)).toContain(appBinary);
    const run = async (...args: string[]) => {
      const proc = Bun.spawn([process.execPath, "src/cli.ts", ...args], {
        cwd: ROOT,
        stdout: "pipe",
        stderr: "pipe",
      });
      return { out: await new Response(proc.stdout).text(), code: await proc.exited };
    };
    const migrate = await run("migrate", "--help");
    expect(migrate.code).toBe(0);
    const serve = await run("--help");
    expect(serve.code).toBe(0);
    for (const flag of appArgs.filter((a) => a.startsWith("--"))) expect(serve.out).toContain(flag);
  });
});

describe("fly.toml", () => {
  test("Fly scrapes metrics where the app serves them, never on the public port", () => {
    const metrics = obj(fly.metrics);
    expect(metrics.path).toBe("/metrics");
    expect(String(metrics.port)).toBe(flyEnv.RABBITHOLE_METRICS_PORT ?? "");
    expect(Number(metrics.port)).not.toBe(Number(service.internal_port));
    expect(APP_SOURCE).toContain('"RABBITHOLE_METRICS_PORT"');
  });

  test("checks health on /__health, which the app serves, never on /", () => {
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) {
      expect(check.method ?? "GET").toBe("GET");
      expect(check.path).toBe("/__health");
    }
    expect(APP_SOURCE).toContain('"/__health"');
    expect(fly.checks).toBeUndefined();
  });

  test("never stops machines by itself and keeps one running", () => {
    expect([false, "off"]).toContain(service.auto_stop_machines as string | boolean);
    expect(service.auto_start_machines).toBe(false);
    expect(service.min_machines_running).toBeGreaterThanOrEqual(1);
  });

  test("limits concurrency by requests", () => {
    const limits = obj(service.concurrency);
    expect(limits.type).toBe("requests");
    expect(limits.soft_limit as number).toBeLessThan(limits.hard_limit as number);
  });

  test("stops with SIGINT and waits longer than the app's grace period", () => {
    expect(fly.kill_signal).toBe("SIGINT");
    // Either a number of seconds or a duration string like "30s".
    const killTimeout = Number.parseInt(String(fly.kill_timeout), 10);
    const grace = Number(flyEnv.RABBITHOLE_GRACE_PERIOD ?? 25);
    // After the app exits LiteFS still has to hand the lease over.
    expect(killTimeout - grace).toBeGreaterThanOrEqual(5);
  });

  test("every [env] name is read by the app or by litefs.yml", () => {
    for (const name of Object.keys(flyEnv)) {
      const byApp = APP_SOURCE.includes(`"${name}"`);
      const byLitefs = new RegExp(`\\$\\{[^}]*\\b${name}\\b`).test(LITEFS_TEXT);
      expect({ name, read: byApp || byLitefs }).toEqual({ name, read: true });
    }
    expect(flyEnv.PRIMARY_REGION).toBe(String(fly.primary_region));
    // Secrets go through `fly secrets`, never into the repository.
    expect(Object.keys(flyEnv).filter((n) => /KEY|TOKEN|SECRET/.test(n))).toEqual([]);
  });

  test("forces HTTPS, builds the Dockerfile, mounts the named volume", () => {
    expect(service.force_https).toBe(true);
    expect(existsSync(join(ROOT, String(obj(fly.build).dockerfile)))).toBe(true);
    expect(mounts).toEqual([{ source: "rabbithole_data", destination: "/var/lib/litefs" }]);
  });
});

describe("Dockerfile", () => {
  test("builds on a pinned official Bun image, from the lockfile, for the image's arch", () => {
    expect(froms[0]?.args).toMatch(/oven\/bun:\d+\.\d+\.\d+\b/);
    const build = instructions.filter((i) => i.stage === 0);
    const runs = build.filter((i) => i.op === "RUN").map((i) => i.args);
    expect(runs).toContain("bun install --frozen-lockfile");
    const argTarget = build.findIndex((i) => i.op === "ARG" && i.args === "TARGETARCH");
    const buildRun = build.findIndex((i) => i.op === "RUN" && i.args.includes("bun run build"));
    expect(argTarget).toBeGreaterThanOrEqual(0);
    expect(buildRun).toBeGreaterThan(argTarget);
    expect(build[buildRun]?.args).toContain("linux-${TARGETARCH");
    // TARGETARCH's values are the release names' arch part.
    expect(Object.keys(TARGETS)).toEqual(expect.arrayContaining(["linux-amd64", "linux-arm64"]));
  });

  test("runs on bookworm-slim with the packages LiteFS needs", () => {
    expect(froms[lastStage]?.args).toBe("debian:bookworm-slim");
    const apt = inFinal("RUN")
      .map((i) => i.args)
      .join(" ");
    for (const pkg of ["ca-certificates", "fuse3", "sqlite3"]) expect(apt).toContain(pkg);
  });

  test("installs LiteFS 0.5.14 (the tested one), the binary and the config, and starts `litefs mount`", () => {
    const all = copies();
    expect(all).toContainEqual({
      from: "flyio/litefs:0.5.14",
      src: "/usr/local/bin/litefs",
      dest: "/usr/local/bin/litefs",
    });
    expect(all).toContainEqual({ from: null, src: "etc/litefs.yml", dest: "/etc/litefs.yml" });
    expect(all.some((c) => c.from === "build" && c.dest === "/usr/local/bin/rabbithole")).toBe(
      true,
    );
    expect(JSON.parse(inFinal("ENTRYPOINT")[0]?.args ?? "null")).toEqual(["litefs", "mount"]);
    // FUSE mounting needs root.
    expect(inFinal("USER")).toEqual([]);
  });

  test("sets the same DATABASE_URL as fly.toml", () => {
    const env = inFinal("ENV").map((i) => i.args);
    expect(env).toContain(`DATABASE_URL="${flyEnv.DATABASE_URL}"`);
  });

  test(".dockerignore keeps secrets, databases and build output out of the context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const pattern of ["**/.env", "**/*.db", "node_modules", "dist"]) {
      expect(ignored).toContain(pattern);
    }
  });
});

describe(".github/workflows", () => {
  const names = ["test.yml", "deploy.yml", "release.yml"];
  const workflow = (name: string) => Bun.YAML.parse(read(`.github/workflows/${name}`)) as Obj;
  const steps = (wf: Obj) =>
    Object.values(obj(wf.jobs)).flatMap((job) => (obj(job).steps ?? []) as Obj[]);
  const runs = (wf: Obj) => steps(wf).map((s) => String(s.run ?? "").trim());
  const uses = (wf: Obj, prefix: string) =>
    steps(wf).filter((s) => String(s.uses ?? "").startsWith(prefix));

  test.each(names)("%s passes action-validator", async (name) => {
    const cli = join(ROOT, "node_modules/@action-validator/cli/cli.mjs");
    const proc = Bun.spawn([process.execPath, cli, `.github/workflows/${name}`], {
      cwd: ROOT,
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect({ code, out, err }).toEqual({
      code: 0,
      out: expect.any(String),
      err: expect.any(String),
    });
  });

  test("pin the same Bun as the Dockerfile", () => {
    const dockerBun = /oven\/bun:([\d.]+)/.exec(froms[0]?.args ?? "")?.[1];
    const pins = names.flatMap((n) =>
      uses(workflow(n), "oven-sh/setup-bun@v2").map((s) => String(obj(s.with)["bun-version"])),
    );
    expect(pins.length).toBeGreaterThanOrEqual(2);
    expect(new Set([...pins, dockerBun])).toEqual(new Set([dockerBun]));
  });

  test("test.yml installs from the lockfile, lints, typechecks and tests on push and PR", () => {
    const wf = workflow("test.yml");
    expect(Object.keys(obj(wf.on))).toEqual(expect.arrayContaining(["push", "pull_request"]));
    const commands = runs(wf);
    const order = [
      "bun install --frozen-lockfile",
      "bun run lint",
      "bun run typecheck",
      "bun run test",
    ];
    const at = order.map((c) => commands.indexOf(c));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(commands.join("\n")).toContain("chromium");
  });

  test("deploy.yml deploys main remotely once the tests passed", () => {
    const wf = workflow("deploy.yml");
    const trigger = obj(obj(wf.on).workflow_run);
    expect(trigger.workflows).toEqual([workflow("test.yml").name]);
    expect(trigger.branches).toEqual(["main"]);
    const job = obj(obj(wf.jobs).deploy);
    expect(String(job.if)).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(uses(wf, "superfly/flyctl-actions/setup-flyctl@").length).toBe(1);
    const deploy = steps(wf).find((s) => String(s.run).startsWith("flyctl deploy"));
    expect(deploy?.run).toBe("flyctl deploy --remote-only");
    expect(obj(deploy?.env).FLY_API_TOKEN).toMatch(/^\$\{\{ secrets\.FLY_API_TOKEN \}\}$/);
  });

  test("release.yml builds all four binaries on v* tags and uploads them with SHA256SUMS", () => {
    const wf = workflow("release.yml");
    expect(obj(obj(wf.on).push).tags).toEqual(["v*"]);
    const job = obj(obj(wf.jobs).release);
    expect(obj(job.permissions).contents).toBe("write");
    expect(runs(wf)).toContain("bun run build");
    const [upload] = uses(wf, "softprops/action-gh-release@v2");
    const files = String(obj(upload?.with).files).trim().split("\n");
    expect(files).toEqual(["dist/rabbithole-*", "dist/SHA256SUMS"]);
    // The glob covers exactly the release names DESIGN.md fixes.
    expect(Object.keys(TARGETS).map((t) => `rabbithole-${t}`)).toEqual([
      "rabbithole-linux-amd64",
      "rabbithole-linux-arm64",
      "rabbithole-macos-amd64",
      "rabbithole-macos-arm64",
    ]);
  });
});
