// One `serve` per database file. Each server keeps its budget reservations and its
// single-flight in memory: three servers on one file generated `/` three times and spent $0.34
// against a $0.25 cap (issue 12). So `serve` holds a lock for its database's whole life, and a
// second one refuses to start.
//
// The lock is a listening Unix socket named after the database's real path, not a file beside
// it: a LiteFS mount accepts only SQLite files (a lock file there would fail on every cluster
// machine), and an SQLite-level lock (`locking_mode=EXCLUSIVE`) is refused with WAL and would
// shut out `pages`, `stats` and `migrate`, which must keep working next to a running server.
// The kernel frees the socket when the process dies, however it dies: no stale lock. On Linux
// it lives in the abstract namespace (no file at all); elsewhere it is a socket file in the
// temporary directory, and one nobody answers on is stale and replaced. Machines of a LiteFS
// cluster each have their own mount, so each has its own lock; the lease decides the writer.

import { createHash } from "node:crypto";
import { existsSync, realpathSync, unlinkSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../core/errors.ts";

export interface WriterLock {
  release(): void;
}

/** Takes the lock for `dbPath`, or throws a UsageError naming the process that holds it. */
export async function lockDatabase(dbPath: string): Promise<WriterLock> {
  if (dbPath === ":memory:") return { release() {} };
  const address = lockAddress(canonical(dbPath));
  let server = await listen(address);
  if (!server) {
    const holder = await ask(address);
    if (holder !== null) {
      throw new UsageError(
        `database "${dbPath}" is already served by another rabbithole (pid ${holder || "?"}): ` +
          "one server per database file, or budgets and pages are paid twice; stop that one " +
          "first, or give this one another --db",
      );
    }
    // Nobody answers: a socket file left by a process that died (not on Linux: see above).
    if (!address.startsWith("\0")) unlinkSync(address);
    server = await listen(address);
    if (!server) throw new UsageError(`database "${dbPath}": cannot take its writer lock`);
  }
  const held = server;
  held.unref();
  return {
    release() {
      held.close();
    },
  };
}

/** The same file however it is named: the real path of the file, or of its directory. */
function canonical(dbPath: string): string {
  const abs = resolve(dbPath);
  if (existsSync(abs)) return realpathSync(abs);
  const dir = dirname(abs);
  return existsSync(dir) ? join(realpathSync(dir), basename(abs)) : abs;
}

function lockAddress(realPath: string): string {
  const id = createHash("sha256").update(realPath).digest("hex").slice(0, 32);
  return process.platform === "linux"
    ? `\0rabbithole-${id}`
    : join(tmpdir(), `rabbithole-${id}.lock`);
}

function listen(address: string): Promise<Server | null> {
  return new Promise((done) => {
    const server = createServer((c) => c.end(String(process.pid)));
    server.once("error", () => done(null));
    server.listen(address, () => done(server));
  });
}

/** The pid the holder answers with; "" if it answers without one, null if nobody answers. */
function ask(address: string): Promise<string | null> {
  return new Promise((done) => {
    let said = "";
    const c = connect(address);
    c.setTimeout(2_000, () => c.destroy());
    c.on("data", (b) => {
      said += b.toString();
    });
    c.on("end", () => done(said.trim().slice(0, 12)));
    c.on("error", () => done(null));
    c.on("close", () => done(said.trim().slice(0, 12)));
  });
}
