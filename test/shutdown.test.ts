// Graceful stop as Fly and LiteFS deliver it: a signal during a generation lets it finish
// and be cached, then the process exits 0; past the grace period it gives up; a second signal
// exits at once.

import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/store/store.ts";
import { htmlDoc, pageReply, startFakeAnthropic } from "./fixtures/fake-anthropic.ts";
import { CLI, startServer } from "./fixtures/process.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-stop-"));
const fake = startFakeAnthropic(() => ({
  text: pageReply(htmlDoc("Slow page"), []),
  chunkSize: 10,
  chunkDelayMs: 20, // ~1 s of writing
}));
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function env(grace = "10") {
  return {
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: fake.url,
    RABBITHOLE_SEED: "a slow site",
    RABBITHOLE_GRACE_PERIOD: grace,
    DATABASE_URL: join(dir, `site-${++n}.db`),
  };
}
const running: ReturnType<typeof Bun.spawn>[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
});

describe("graceful stop", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`${signal} during a generation: it finishes, is cached, exit 0`, async () => {
      const e = env();
      const s = await startServer(CLI, [], e, dir);
      running.push(s.proc);
      const calls = fake.calls;
      const visitor = fetch(`${s.url}/`).then((r) => r.text());
      while (fake.calls === calls) await Bun.sleep(10);
      s.proc.kill(signal);
      expect(await visitor).toBe(htmlDoc("Slow page"));
      expect(await s.proc.exited).toBe(0);
      const store = openStore(e.DATABASE_URL, { readonly: true });
      expect(store.getPage("/")?.html).toBe(htmlDoc("Slow page"));
      store.close();
    });
  }

  test("past the grace period it stops waiting, caches nothing half-done, exits 0", async () => {
    const e = env("0");
    const s = await startServer(CLI, [], e, dir);
    running.push(s.proc);
    const calls = fake.calls;
    void fetch(`${s.url}/`).catch(() => undefined);
    while (fake.calls === calls) await Bun.sleep(10);
    s.proc.kill("SIGTERM");
    expect(await s.proc.exited).toBe(0);
    expect(s.output()).toContain("grace period over");
    const store = openStore(e.DATABASE_URL, { readonly: true });
    expect(store.getPage("/")).toBeNull();
    // The abandoned call is still in the ledger: its money was spent.
    expect(store.stats().attempts).toBe(1);
    expect(store.stats().failedAttempts).toBe(1);
    store.close();
  });

  test("a second signal exits at once", async () => {
    const s = await startServer(CLI, [], env("60"), dir);
    running.push(s.proc);
    const calls = fake.calls;
    void fetch(`${s.url}/`).catch(() => undefined);
    while (fake.calls === calls) await Bun.sleep(10);
    s.proc.kill("SIGINT");
    await Bun.sleep(50);
    s.proc.kill("SIGTERM");
    expect(await s.proc.exited).not.toBe(0);
    expect(s.output()).toContain("exiting without waiting");
  });
});
