// The model options end to end: `bun src/cli.ts` in a subprocess against the fake API, as an
// operator would run it (no --model, --max-cost without prices, --effort, a retired model).

import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/store.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../fixtures/fake-anthropic.ts";
import { CLI, cleanEnv, type Served, startServer } from "../fixtures/process.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fake: FakeAnthropic | undefined;
let served: Served | undefined;
afterEach(async () => {
  served?.proc.kill("SIGTERM");
  await served?.proc.exited;
  await fake?.close();
  served = fake = undefined;
});

async function serve(name: string, ...args: string[]) {
  fake = startFakeAnthropic();
  const env = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: fake.url };
  const db = join(dir, `${name}.db`);
  served = await startServer(CLI, ["--seed", "A site", "--db", db, ...args], env, dir);
  return { fake, served, db };
}

describe("the default model", () => {
  test("requests name claude-sonnet-5-5, thinking at its least, and --max-cost needs no prices", async () => {
    // $2: a first call's worst case with the web tools is just over $1 (site memory's request).
    const { fake, served, db } = await serve("default", "--max-cost", "2");
    const res = await fetch(`${served.url}/`);
    expect(res.status).toBe(200);
    await res.text();
    const body = fake.requests[0]?.body;
    expect(body).toMatchObject({ model: "claude-sonnet-5-5", thinking: { type: "between_tools" } });
    expect(body?.output_config).toBeUndefined();
    served.proc.kill("SIGTERM");
    await served.proc.exited;
    const store = openStore(db);
    // Priced from the table: $2 in, $10 out per million.
    expect(store.stats().spentUsd).toBeGreaterThan(0);
    store.close();
  });

  test("--effort reaches the request as adaptive thinking at that effort", async () => {
    const { fake, served } = await serve("effort", "--effort", "high");
    await (await fetch(`${served.url}/`)).text();
    expect(fake.requests[0]?.body).toMatchObject({
      model: "claude-sonnet-5-5",
      thinking: { type: "adaptive" },
      output_config: { effort: "high" },
    });
  });

  test("a bad --effort exits 2 naming it", async () => {
    const proc = Bun.spawn([...CLI, "--effort", "ultra", "--offline", "--seed", "s"], {
      cwd: dir,
      env: cleanEnv,
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain('--effort "ultra"');
  });

  test("a retired model warns at start-up with its date", async () => {
    const { served } = await serve("retired", "--model", "claude-sonnet-4-5");
    expect(served.output()).toContain("2026-11-30");
  });
});
