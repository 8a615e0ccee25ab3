// etc/litefs.yml as the real LiteFS reads it: the test cluster edits only per-machine lines of
// the shipped file, so these check that the harness would notice a key LiteFS rejects and that
// the parts the cluster replaces (the Consul lease) still parse and expand as on Fly.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type NodeSpec, SHIPPED_CONFIG, startNode } from "../../scripts/litefs-cluster.ts";
import { findLitefs, litefsSkipReason } from "../fixtures/litefs.ts";
import { freePort } from "../fixtures/process.ts";

const SKIP = litefsSkipReason();
if (SKIP) console.warn(`skipping the LiteFS config tests: ${SKIP}`);

describe.skipIf(SKIP !== null)("etc/litefs.yml as LiteFS reads it", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const spec = (shippedLease = false): NodeSpec => {
    const dir = mkdtempSync(join(tmpdir(), "rabbithole-litefs-config-"));
    dirs.push(dir);
    const ports = { proxy: freePort(), app: freePort(), http: freePort() };
    return {
      name: "primary",
      dir,
      ports,
      primaryHttpPort: ports.http,
      bin: "/bin/false",
      shippedLease,
    };
  };
  const start = (s: NodeSpec, env: Record<string, string>, shipped?: string) =>
    startNode(
      s,
      { PATH: process.env.PATH ?? "", ...env },
      {
        litefs: findLitefs() ?? "litefs",
        timeoutMs: 3000,
        shipped,
      },
    ).then(
      () => "started",
      (err: Error) => err.message,
    );

  test("a key LiteFS does not know stops it at start-up (the test harness reads the same file)", async () => {
    const shipped = readFileSync(SHIPPED_CONFIG, "utf8").replace(
      /^( +)db: (.*)$/m,
      "$1db: $2\n$1passthrough-on-error: true",
    );
    const out = await start(spec(), {}, shipped);
    expect(out).toContain("field passthrough-on-error not found");
  });

  test("the shipped Consul lease block parses and expands as on a Fly machine", async () => {
    const env = {
      FLY_REGION: "ord",
      PRIMARY_REGION: "ord",
      HOSTNAME: "148e21ea7c0589",
      FLY_APP_NAME: "rh-test",
      // Nothing listens there: LiteFS retries until the start-up times out.
      FLY_CONSUL_URL: `http://127.0.0.1:${freePort()}/`,
    };
    const out = await start(spec(true), env);
    expect(out).toContain(
      `initializing consul: key=litefs/rh-test url=${env.FLY_CONSUL_URL} hostname=${hostname()} `,
    );
    expect(out).toContain("advertise-url=http://148e21ea7c0589.vm.rh-test.internal:20202");
    expect(out).not.toContain("ERROR");
  }, 15_000);
});
