// `bun run cluster`: the two-node LiteFS cluster of the tests, on this machine, for a person to
// watch: a page generated on the primary appears on the replica. Linux with FUSE and `litefs`
// (see README, "Try a cluster locally"). Ctrl-C stops both nodes and unmounts them.
// With ANTHROPIC_API_KEY set the pages come from Claude; without, from the tests' fake model.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeAnthropic } from "../test/fixtures/fake-anthropic.ts";
import { findLitefs, litefsSkipReason } from "../test/fixtures/litefs.ts";
import { cleanEnv } from "../test/fixtures/process.ts";
import { treeHandler } from "../test/fixtures/site.ts";
import { binaryName, DIST, hostTarget, ROOT } from "./build.ts";
import { type LiteFSNode, type NodeSpec, startNode, stopNode } from "./litefs-cluster.ts";

const cannot = litefsSkipReason();
if (cannot) {
  console.error(`cannot start a LiteFS cluster here: ${cannot}`);
  process.exit(2);
}
// As on Fly: the proxy on 8080, the app on 8081; the replica 10 ports up. CLUSTER_PORT moves both.
const base = Number(process.env.CLUSTER_PORT ?? 8080);
const PORTS = {
  primary: { proxy: base, app: base + 1, http: base + 12122 },
  replica: { proxy: base + 10, app: base + 11, http: base + 12123 },
};

const target = hostTarget() ?? "linux-amd64";
const build = Bun.spawnSync([process.execPath, "scripts/build.ts", target], { cwd: ROOT });
if (build.exitCode !== 0) {
  console.error(build.stderr.toString());
  process.exit(1);
}
const bin = join(DIST, binaryName(target));
const dir = mkdtempSync(join(tmpdir(), "rabbithole-cluster-"));
const fake = process.env.ANTHROPIC_API_KEY ? null : startFakeAnthropic(treeHandler);
const env: Record<string, string> = {
  ...cleanEnv,
  ...Object.fromEntries(
    Object.entries(process.env).filter(([k]) => /^(ANTHROPIC_|RABBITHOLE_)/.test(k)),
  ),
  RABBITHOLE_SEED: process.env.RABBITHOLE_SEED ?? "A field guide to imaginary moths",
  ...(fake ? { ANTHROPIC_API_KEY: "sk-ant-local-fake", ANTHROPIC_BASE_URL: fake.url } : {}),
} as Record<string, string>;

const nodes: LiteFSNode[] = [];
let stopping = false;
async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const node of [...nodes].reverse()) await stopNode(node);
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

try {
  for (const name of ["primary", "replica"] as const) {
    const spec: NodeSpec = {
      name,
      dir: join(dir, name),
      ports: PORTS[name],
      primaryHttpPort: PORTS.primary.http,
      bin,
    };
    const litefs = findLitefs() ?? "litefs";
    nodes.push(await startNode(spec, env, { litefs, echo: true, timeoutMs: 60_000 }));
  }
} catch (err) {
  console.error(String(err));
  await stopAll(1);
}
const [primary, replica] = nodes as [LiteFSNode, LiteFSNode];
console.log(`
Two LiteFS nodes are up (${fake ? "pages from a fake model: set ANTHROPIC_API_KEY for Claude" : "pages from Claude"}).
  primary  ${primary.proxyUrl}/   (LiteFS proxy; the app itself: ${primary.appUrl})
  replica  ${replica.proxyUrl}/   (LiteFS proxy; the app itself: ${replica.appUrl})
Open a page on the primary, then the same path on the replica: LiteFS has copied it there.
A page the replica does not have answers 409 with fly-replay (Fly would replay it on the primary).
Databases: ${primary.dbPath}, ${replica.dbPath}${existsSync(replica.dbPath) ? "" : " (after the first page)"}
Ctrl-C stops both.`);
