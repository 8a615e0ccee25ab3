// One `serve` per database file: the lock is held across processes, whatever the file is called,
// freed by the kernel when its holder dies however it dies, and given back by release().

import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../src/core/errors.ts";
import { lockDatabase } from "../../src/store/writer-lock.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LOCK = join(import.meta.dir, "../../src/store/writer-lock.ts");

/** Another process holding the lock on `path` until it is killed. */
async function holder(path: string) {
  const script = `const { lockDatabase } = await import(${JSON.stringify(LOCK)});
await lockDatabase(${JSON.stringify(path)});
console.log("held");
setInterval(() => {}, 1000);`;
  const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("held");
  return proc;
}

async function refusal(path: string): Promise<UsageError> {
  const err = await lockDatabase(path).then(
    (l) => {
      l.release();
      return null;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return err as UsageError;
}

describe("lockDatabase", () => {
  test("another process's lock refuses this one, naming its pid, under any name of the file", async () => {
    const db = join(dir, "site.db");
    await Bun.write(db, "");
    mkdirSync(join(dir, "sub"));
    symlinkSync(db, join(dir, "alias.db"));
    const other = await holder(db);
    try {
      for (const path of [db, join(dir, "sub", "..", "site.db"), join(dir, "alias.db")]) {
        const err = await refusal(path);
        expect(err.message).toContain(`database "${path}" is already served by another rabbithole`);
        expect(err.message).toContain(`(pid ${other.pid})`);
      }
      // Another file is another lock.
      const elsewhere = await lockDatabase(join(dir, "other.db"));
      elsewhere.release();
    } finally {
      other.kill("SIGKILL");
      await other.exited;
    }
    // Killed without a chance to clean up: the kernel freed the lock.
    const mine = await lockDatabase(db);
    mine.release();
  });

  test("within one process too; release() gives it back", async () => {
    const db = join(dir, "in-process.db");
    const first = await lockDatabase(db);
    expect((await refusal(db)).message).toContain(`(pid ${process.pid})`);
    first.release();
    const again = await lockDatabase(db);
    again.release();
  });

  test("a file not created yet is locked by the real path it will have", async () => {
    const real = join(dir, "real");
    mkdirSync(real);
    symlinkSync(real, join(dir, "link"));
    const first = await lockDatabase(join(real, "new.db"));
    await refusal(join(dir, "link", "new.db"));
    first.release();
  });

  test(":memory: is nobody's file: never locked", async () => {
    const a = await lockDatabase(":memory:");
    const b = await lockDatabase(":memory:");
    a.release();
    b.release();
  });
});
