// startServer as production wires it (offline client, a real file, Bun.serve on a free port):
// what the seed does to a database across restarts.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../../src/app/server.ts";
import { resolveServeConfig } from "../../src/config/config.ts";
import { UsageError } from "../../src/core/errors.ts";
import { openStore } from "../../src/store/store.ts";
import { memoryLogger } from "../fixtures/site.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-server-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFor(db: string, seed?: string) {
  const flags = { offline: true, db, port: "0", host: "127.0.0.1", "grace-period": "5" };
  return resolveServeConfig(seed === undefined ? flags : { ...flags, seed }, {});
}

async function homepage(seed: string | undefined, db: string) {
  const logger = memoryLogger();
  const server = await startServer(configFor(db, seed), logger);
  try {
    const res = await fetch(server.url);
    return { status: res.status, html: await res.text(), logger };
  } finally {
    await server.stop(5_000);
  }
}

const warnings = (logger: ReturnType<typeof memoryLogger>) =>
  logger.lines.filter((l) => l.level === "warn").map((l) => String(l.args[0]));

describe("the seed across restarts", () => {
  const db = join(dir, "site.db");

  test("the first start stores the seed as the prompt of / and writes the homepage", async () => {
    const first = await homepage("A field guide to moths", db);
    expect(first.status).toBe(200);
    expect(first.html).toContain("A field guide to moths");
    expect(warnings(first.logger).join("\n")).not.toContain("seed changed");
  });

  test("a changed seed updates / and says so; the cached homepage stays until purged", async () => {
    const second = await homepage("A field guide to beetles", db);
    expect(warnings(second.logger).join("\n")).toContain("the seed changed");
    expect(warnings(second.logger).join("\n")).toContain("rabbithole purge /");
    expect(second.html).toContain("A field guide to moths");
    expect(second.html).not.toContain("beetles");
    const store = openStore(db, { readonly: true });
    expect(store.getMapping("/")?.prompt).toBe("A field guide to beetles");
    store.close();
  });

  test("a later start needs no seed, and the same seed again is no change", async () => {
    const none = await homepage(undefined, db);
    expect(none.html).toContain("A field guide to moths");
    const same = await homepage("A field guide to beetles", db);
    expect(warnings(same.logger).join("\n")).not.toContain("seed changed");
  });

  test("no seed on a database that does not exist yet: a usage error, and no file created", async () => {
    const fresh = join(dir, "fresh.db");
    const start = startServer(configFor(fresh), memoryLogger());
    await expect(start).rejects.toBeInstanceOf(UsageError);
    await expect(startServer(configFor(fresh), memoryLogger())).rejects.toThrow(
      `the database "${fresh}" has no homepage yet`,
    );
    expect(existsSync(fresh)).toBe(false);
  });
});
