// Other models end to end: `bun src/cli.ts` in a subprocess against a local OpenAI-compatible
// or Anthropic-compatible fake server, as an operator would run it with the README's recipes.

import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/store.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../fixtures/fake-anthropic.ts";
import { startFakeOpenAI } from "../fixtures/fake-openai.ts";
import { CLI, runCli, type Served, startServer } from "../fixtures/process.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-provider-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fake: FakeAnthropic | undefined;
let served: Served | undefined;
afterEach(async () => {
  served?.proc.kill("SIGTERM");
  await served?.proc.exited;
  await fake?.close();
  served = fake = undefined;
});

const db = (name: string) => join(dir, `${name}.db`);

const run = (args: string[]) => runCli(args, dir);

/** Stops the server and reads its ledger split by model. */
async function spendByModel(name: string) {
  served?.proc.kill("SIGTERM");
  await served?.proc.exited;
  const store = openStore(db(name));
  const split = store.stats().byModel;
  store.close();
  return split;
}

describe("--provider openai against a local server", () => {
  test("needs no key; the page is written; the ledger records provider and model, free", async () => {
    fake = startFakeOpenAI(undefined, { local: { think: "whole", reasoningField: "reasoning" } });
    const args = ["--provider", "openai", "--base-url", fake.url, "--model", "qwen3:8b"];
    served = await startServer(CLI, ["--seed", "A site", "--db", db("ollama"), ...args], {}, dir);
    expect(served.output()).toContain('no prices known for model \\"qwen3:8b\\"');
    const res = await fetch(`${served.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toStartWith("<!DOCTYPE html>");
    expect(fake.requests[0]?.wire).toMatchObject({ model: "qwen3:8b", max_tokens: 8192 });
    expect(await spendByModel("ollama")).toMatchObject([
      { provider: "openai", model: "qwen3:8b", attempts: 1, spentUsd: 0 },
    ]);
    const stats = await run(["stats", "--db", db("ollama")]);
    expect(stats.stdout).toContain("model     openai qwen3:8b: 1 attempt, $0.0000");
  });

  test("--max-cost with an unknown price exits 2 naming the model; with prices it bills them", async () => {
    fake = startFakeOpenAI();
    const base = ["--provider", "openai", "--base-url", fake.url, "--model", "llama3.1:8b"];
    const capped = [...base, "--max-cost", "5", "--seed", "s", "--db", db("capped")];
    const refused = await run(capped);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"llama3.1:8b"');
    expect(refused.stderr).toContain("--price-input");
    const priced = [...capped, "--price-input", "1", "--price-output", "2"];
    served = await startServer(CLI, priced, {}, dir);
    await (await fetch(`${served.url}/`)).text();
    const [row] = await spendByModel("capped");
    // 25 prompt and ~N completion tokens at $1 / $2 per million.
    expect(row?.spentUsd).toBeCloseTo((25 * 1 + (row?.outputTokens ?? 0) * 2) / 1e6, 12);
    expect(row?.spentUsd).toBeGreaterThan(0);
  });
});

describe("an Anthropic-compatible local server", () => {
  test("ANTHROPIC_BASE_URL without a key: no server tools sent, no cache fields, a clean page", async () => {
    fake = startFakeAnthropic(undefined, { think: "close" });
    const env = { ANTHROPIC_BASE_URL: fake.url };
    const args = ["--seed", "A site", "--db", db("local"), "--model", "qwen3:8b"];
    served = await startServer(CLI, args, env, dir);
    const res = await fetch(`${served.url}/`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toStartWith("<!DOCTYPE html>");
    expect(page).not.toContain("think>");
    expect(fake.requests[0]?.body.tools).toBeUndefined();
    expect(fake.requests[0]?.headers.authorization).toBe("Bearer none");
    expect(await spendByModel("local")).toMatchObject([
      { provider: "anthropic", model: "qwen3:8b" },
    ]);
  });
});
