// The `rabbithole` command run in-process (cli/main.ts): which command runs, help and version
// before any checking, strict argv naming the command, and `--` ending the options. How the
// process exits (fail) is tested in a subprocess (cli.test.ts).

import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { main } from "../../src/cli/main.ts";
import { UsageError } from "../../src/core/errors.ts";
import { VERSION } from "../../src/core/version.ts";
import { tempFolder } from "../fixtures/db-files.ts";
import { seedPage } from "../fixtures/seed.ts";

const folder = tempFolder("main");
afterAll(folder.remove);

const write = process.stdout.write;
afterEach(() => {
  process.stdout.write = write;
});

/** Runs main and returns what it printed on stdout. */
async function run(argv: string[]): Promise<string> {
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await main(argv);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

async function refused(argv: string[]): Promise<string> {
  const err = await run(argv).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return (err as UsageError).message;
}

describe("main", () => {
  test("a named command runs with its own options", async () => {
    const db = folder.db((s) => seedPage(s, "/"));
    const out = await run(["pages", "--db", db, "--json"]);
    expect(JSON.parse(out).map((p: { key: string }) => p.key)).toEqual(["/"]);
  });

  test("an unknown command names the commands there are", async () => {
    expect(await refused(["serv"])).toBe(
      'unknown command "serv" (commands: serve, pages, stats, purge, migrate, bible, export, versions, rollback); see rabbithole --help',
    );
  });

  test("argv is checked against the command it is for, before the command runs", async () => {
    const missing = folder.missing();
    expect(await refused(["pages", "--prot", "1", "--db", missing])).toBe(
      'unknown option "--prot"; see rabbithole pages --help',
    );
    // Serve is the default command: its options are the top-level ones.
    expect(await refused(["--prot", "80"])).toBe(
      'unknown option "--prot" (did you mean --port?); see rabbithole --help',
    );
    expect(await refused(["stats", "--max-cost"])).toContain("--max-cost needs a value");
  });

  test("--version and --help win over anything else and start nothing", async () => {
    expect(await run(["--version", "--prot"])).toBe(`${VERSION}\n`);
    const top = await run(["--help", "--prot"]);
    expect(top).toContain("ENVIRONMENT");
    expect(top).toContain("--port");
    expect(top).not.toContain("\x1b[");
    const pages = await run(["pages", "-h"]);
    expect(pages).toContain("--json");
    expect(pages).not.toContain("ENVIRONMENT");
    expect(pages).not.toMatch(/[ \t]$/m);
  });

  test("after --, --help is an argument like any other", async () => {
    const db = folder.db((s) => seedPage(s, "/--help"));
    expect(await run(["purge", "--db", db, "--", "--help"])).toBe("purged      /--help\n");
  });
});
