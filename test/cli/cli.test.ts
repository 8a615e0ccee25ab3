// The command line as users and scripts meet it: `bun src/cli.ts …` in a subprocess, with an
// environment cleaned of everything rabbithole or the SDK would read.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { openStore } from "../../src/store/store.ts";

const CLI = join(import.meta.dir, "../../src/cli.ts");
const dir = mkdtempSync(join(tmpdir(), "rabbithole-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const READ_BY_US = /^(ANTHROPIC_|RABBITHOLE_|CONSOLA_)|^(PORT|HOST|DATABASE_URL|NO_COLOR)$/;
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !READ_BY_US.test(k)),
) as Record<string, string>;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function spawn(args: string[], env: Record<string, string> = {}) {
  return Bun.spawn([process.execPath, CLI, ...args], {
    cwd: dir,
    env: { ...cleanEnv, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
}

async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const proc = spawn(args, env);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

/** Asserts a usage error: exit 2, nothing on stdout, one `rabbithole: …` line on stderr. */
function expectUsage(r: Run, ...parts: string[]): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toStartWith("rabbithole: ");
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  for (const part of parts) expect(r.stderr).toContain(part);
}

function freePort(): number {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

const db = (name: string) => join(dir, name);

describe("help and version", () => {
  test("--version prints the version alone", async () => {
    const r = await run(["--version"]);
    expect(r).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  test("--help names every environment variable, without colour when piped", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    const names = [
      "RABBITHOLE_SEED",
      "RABBITHOLE_SEED_FILE",
      "PORT",
      "HOST",
      "DATABASE_URL",
      "RABBITHOLE_MODEL",
      "RABBITHOLE_MAX_TOKENS",
      "RABBITHOLE_DEPTH_LIMIT",
      "RABBITHOLE_MAX_COST",
      "RABBITHOLE_WEB_TOOLS",
      "RABBITHOLE_LOADING_PAGE",
      "RABBITHOLE_GRACE_PERIOD",
      "RABBITHOLE_STALL_TIMEOUT",
      "RABBITHOLE_PRICE_INPUT",
      "RABBITHOLE_PRICE_OUTPUT",
      "ANTHROPIC_API_KEY",
      "ANTHROPIC_BASE_URL",
    ];
    for (const name of names) expect(r.stdout).toContain(name);
    expect(r.stdout).toContain("Port to listen on (env PORT, default 8080)");
    for (const cmd of ["serve", "pages", "stats", "purge", "migrate"]) {
      expect(r.stdout).toContain(cmd);
    }
    expect(r.stdout).not.toContain("\x1b[");
  });

  test("each command has its own help", async () => {
    for (const cmd of ["serve", "pages", "stats", "purge", "migrate"]) {
      const r = await run([cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`rabbithole ${cmd}`);
      expect(r.stdout).toContain("DATABASE_URL");
    }
  });
});

describe("usage errors exit 2 and name the culprit", () => {
  test("unknown option, with a suggestion and a pointer to --help", async () => {
    expectUsage(await run(["--prot", "80"]), '"--prot"', "--port", "--help");
    expectUsage(await run(["pages", "--bogus"]), '"--bogus"', "rabbithole pages --help");
    expectUsage(await run(["-x"]), '"-x"');
  });

  test("unknown command and stray arguments", async () => {
    expectUsage(await run(["bogus"]), '"bogus"', "serve, pages, stats, purge");
    expectUsage(await run(["stats", "extra"]), '"extra"');
  });

  test("an option without its value", async () => {
    expectUsage(await run(["--seed"]), "--seed needs a value");
    expectUsage(await run(["--seed", "--offline"]), "--seed needs a value");
    expectUsage(await run(["--offline=no"]), "--offline takes no value");
  });

  test("bad numbers, from flags and from the environment", async () => {
    expectUsage(await run(["--offline", "--port", "abc"]), '--port "abc" is not a port');
    expectUsage(await run(["--offline"], { PORT: "99999" }), 'PORT="99999" (environment)');
    expectUsage(await run(["--offline", "--max-tokens", "12abc"]), '"12abc"');
    expectUsage(await run(["--offline", "--depth-limit=1.5"]), '"1.5"');
    expectUsage(await run(["--offline", "--max-cost", "-1"]), '--max-cost "-1"');
    expectUsage(await run(["--offline"], { RABBITHOLE_WEB_TOOLS: "maybe" }), '"maybe"');
  });

  test("--seed with --seed-file", async () => {
    writeFileSync(join(dir, "seed.txt"), "a site");
    expectUsage(await run(["--offline", "--seed", "x", "--seed-file", "seed.txt"]), "--seed-file");
  });

  test("a missing seed file is named", async () => {
    expectUsage(await run(["--offline", "--seed-file", "nope.txt"]), '"nope.txt"', "no such file");
  });

  test("no API key says how to fix it", async () => {
    expectUsage(await run(["--seed", "x"]), "set ANTHROPIC_API_KEY", "--offline");
    expectUsage(await run(["--seed", "x"], { ANTHROPIC_API_KEY: "" }), "ANTHROPIC_API_KEY");
  });

  test("an unreadable database: a directory, or a file of garbage", async () => {
    const garbage = db("garbage.db");
    writeFileSync(garbage, crypto.getRandomValues(new Uint8Array(4096)));
    for (const path of [dir, garbage]) {
      expectUsage(await run(["--offline", "--seed", "x", "--db", path]), path);
      expectUsage(await run(["pages", "--db", path]), path);
      expectUsage(await run(["stats"], { DATABASE_URL: `sqlite://${path}` }), path);
      expectUsage(await run(["purge", "/", "--db", path]), path);
    }
  });

  test("a database that does not exist is not created by pages, stats or purge", async () => {
    for (const cmd of [["pages"], ["stats"], ["purge", "/"]]) {
      expectUsage(await run([...cmd, "--db", db("absent.db")]), "absent.db", "does not exist");
    }
    expect(await Bun.file(db("absent.db")).exists()).toBe(false);
  });

  test("purge without a URL, or with a bad one", async () => {
    expectUsage(await run(["purge"]), "purge needs at least one URL");
    expectUsage(await run(["purge", "/a%zz"]), '"/a%zz"');
  });

  test("serve on a fresh database without a seed", async () => {
    expectUsage(await run(["--offline", "--db", db("noseed.db")]), "--seed");
    // The failed start leaves nothing behind: no empty database to trip over next time.
    expect(await Bun.file(db("noseed.db")).exists()).toBe(false);
  });
});

describe("pages, stats and purge on a fresh database", () => {
  const fresh = db("fresh.db");

  test("report nothing cached, and need neither API key nor seed", async () => {
    openStore(fresh).close();
    const pages = await run(["pages", "--db", fresh]);
    expect(pages).toEqual({ code: 0, stdout: `no pages cached in ${fresh}\n`, stderr: "" });
    expect((await run(["pages", "--db", fresh, "--json"])).stdout).toBe("[]\n");
    const stats = await run(["stats", "--db", fresh]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/^pages\s+0$/m);
    expect(stats.stdout).not.toContain("budget");
    const purge = await run(["purge", "--db", fresh, "/", "planets/mars.html"]);
    expect(purge.code).toBe(0);
    expect(purge.stdout).toBe("not cached  /\nnot cached  /planets/mars.html\n");
    // Exit 0 (after purge the pages are not cached either way), but a typo does not go unseen.
    expect(purge.stderr).toBe(
      "rabbithole: nothing was purged: no cached page has those URLs (rabbithole pages lists the cached ones)\n",
    );
  });
});

describe("serve, then pages, stats and purge on its database", () => {
  const site = db("site.db");

  test("serve --offline answers, then stops cleanly on SIGINT", async () => {
    const port = freePort();
    const env = { RABBITHOLE_SEED: "a small site about moths", PORT: String(port) };
    const proc = spawn(["--offline", "--db", `sqlite://${site}`], env);
    const reader = proc.stdout.getReader();
    let out = "";
    while (!out.includes("listening")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve exited: ${await new Response(proc.stderr).text()}`);
      out += new TextDecoder().decode(value);
    }
    // Not a TTY, so the logs are JSON lines.
    const first = JSON.parse(out.split("\n")[0] as string);
    expect(first).toMatchObject({ level: "info", msg: expect.stringContaining("listening") });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("</html>");
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);
    reader.releaseLock();
  });

  test("pages lists the homepage, as a table and as JSON", async () => {
    const table = await run(["pages", "--db", site]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^KEY\s+DEPTH\s+BYTES\s+COST\s+CREATED/);
    expect(table.stdout).toMatch(/^\/\s+1\s/m);
    const json = await run(["pages", "--json"], { DATABASE_URL: site });
    const pages = JSON.parse(json.stdout);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ key: "/", depth: 1, costUsd: 0 });
  });

  test("stats counts pages, mappings, tokens and spend, and the budget left", async () => {
    const r = await run(["stats", "--db", site], { RABBITHOLE_MAX_COST: "5" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^pages\s+1$/m);
    expect(r.stdout).toMatch(/^mappings\s+\d+ \(\d+ not yet generated\)$/m);
    expect(r.stdout).toMatch(/^tokens\s+/m);
    expect(r.stdout).toMatch(/^spent\s+\$0\.0000$/m);
    expect(r.stdout).toMatch(/^budget\s+\$5\.0000 left of \$5\.0000$/m);
    const json = JSON.parse((await run(["stats", "--db", site, "--json"])).stdout);
    expect(json).toMatchObject({ pages: 1, spentUsd: 0, maxCostUsd: null, budgetLeftUsd: null });
    expect(json.mappings).toBeGreaterThan(1);
  });

  test("purge drops pages and says which were not cached", async () => {
    const r = await run(["purge", "--db", site, "http://localhost/index.html", "/nope"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^purged\s+\/$/m);
    expect(r.stdout).toMatch(/^not cached\s+\/nope$/m);
    expect(r.stderr).toBe(""); // something was purged: no warning
    const again = await run(["purge", "--db", site, "--json", "/"]);
    expect(JSON.parse(again.stdout)).toEqual({ purged: [], notCached: ["/"] });
    expect(JSON.parse((await run(["pages", "--db", site, "--json"])).stdout)).toEqual([]);
  });

  test("purge refuses to write on a LiteFS replica", async () => {
    const replica = join(dir, "replica");
    mkdirSync(replica);
    writeFileSync(join(replica, ".primary"), "primary-host\n");
    writeFileSync(join(replica, "site.db"), "");
    expectUsage(await run(["purge", "/", "--db", join(replica, "site.db")]), "primary-host");
  });
});

describe("migrate", () => {
  test("creates the schema on a new file, is idempotent, and leaves a replica alone", async () => {
    const path = db("migrate.db");
    const first = await run(["migrate", "--db", path]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("schema version");
    expect((await run(["migrate"], { DATABASE_URL: `sqlite://${path}` })).code).toBe(0);
    const store = openStore(path, { readonly: true });
    expect(store.stats().pages).toBe(0);
    store.close();

    const replicaDir = join(dir, "replica");
    mkdirSync(replicaDir, { recursive: true });
    writeFileSync(join(replicaDir, ".primary"), "machine-a1\n");
    const r = await run(["migrate", "--db", join(replicaDir, "r.db")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("replica of machine-a1");
  });

  test("an unusable file is a usage error", async () => {
    expectUsage(await run(["migrate", "--db", dir]), dir);
  });
});

describe("prices", () => {
  test("--max-cost with a model missing from the price table is refused, unless priced", async () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-test", RABBITHOLE_SEED: "s" };
    const args = ["--model", "claude-future-9", "--max-cost", "5", "--db", db("prices.db")];
    expectUsage(await run(args, env), "claude-future-9", "--price-input");
  });
});
