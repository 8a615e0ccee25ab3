// As an operator runs it: one `serve` per database file (a second exits 2 and says why, while
// `stats` and `pages` keep working beside the first), and a start without --max-cost says once
// that spending is unbounded.

import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, runCli, type Served, startServer } from "../fixtures/process.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-writer-"));
const db = join(dir, "site.db");
const running: Served[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) {
    s.proc.kill("SIGTERM");
    await s.proc.exited;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, dir, env);

test("a second serve on the same file exits 2; stats works beside the first; then it may start", async () => {
  const first = await startServer(CLI, ["--offline", "--seed", "Moths", "--db", db], {}, dir);
  running.push(first);
  // The same file under another name (a symlink) is the same database.
  const alias = join(dir, "alias.db");
  symlinkSync(db, alias);
  for (const path of [db, alias]) {
    const second = await run(["serve", "--offline", "--db", path, "--port", "0"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`database "${path}" is already served by another rabbithole`);
    expect(second.stderr).toContain(`pid ${first.proc.pid}`);
  }
  const stats = await run(["stats", "--json", "--db", db]);
  expect(stats.code).toBe(0);
  expect(JSON.parse(stats.stdout)).toMatchObject({ mappings: 1 });
  expect((await run(["pages", "--db", db])).code).toBe(0);
  expect((await run(["migrate", "--db", db])).code).toBe(0);

  // Killed without a chance to clean up: the lock goes with the process.
  first.proc.kill("SIGKILL");
  await first.proc.exited;
  running.length = 0;
  running.push(await startServer(CLI, ["--offline", "--db", db], {}, dir));
});

test("without --max-cost the start-up says once, plainly, that spending is unbounded", async () => {
  const env = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" };
  const args = ["--seed", "Moths", "--db", join(dir, "open.db")];
  const open = await startServer(CLI, args, env, dir);
  running.push(open);
  expect(open.output().match(/spending is unbounded/g)).toHaveLength(1);
  const capped = await startServer(CLI, [...args.slice(2), "--max-cost", "5"], env, dir).catch(
    (err: Error) => err,
  );
  // Same database: refused while the first runs.
  expect(String(capped)).toContain("already served");
  open.proc.kill("SIGTERM");
  await open.proc.exited;
  running.length = 0;
  const withCap = await startServer(CLI, [...args.slice(2), "--max-cost", "5"], env, dir);
  running.push(withCap);
  expect(withCap.output()).not.toContain("spending is unbounded");
});
