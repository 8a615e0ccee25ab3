// Site memory at the command line and offline: `rabbithole bible [--set FILE]` in a subprocess,
// `--memory on|off` with its environment twin, and the --offline writer following the contract.

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveServeConfig } from "../../src/config/config.ts";
import { extractShell } from "../../src/contract/shell.ts";
import { createOfflineClient } from "../../src/llm/offline.ts";
import { OFFLINE_BANNER } from "../../src/llm/offline-page.ts";
import { openStore } from "../../src/store/store.ts";
import { BIBLE } from "../fixtures/memory-site.ts";
import { runCli } from "../fixtures/process.ts";
import { startSite } from "../fixtures/site.ts";
import { usageError } from "../fixtures/usage.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-bible-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runCli(args, dir);

describe("rabbithole bible", () => {
  const db = join(dir, "site.db");
  openStore(db).close();
  test("prints that there is none yet, then replaces and prints it", async () => {
    expect((await run(["bible", "--db", db])).stdout).toContain("no site bible");
    const file = join(dir, "bible.txt");
    writeFileSync(file, `${BIBLE}\n`);
    const set = await run(["bible", "--set", file, "--db", db]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain("2 canon entries");
    const shown = await run(["bible", "--db", db]);
    expect(shown.stdout).toBe(`${BIBLE}\n`);
    const json = JSON.parse((await run(["bible", "--json", "--db", db])).stdout);
    expect(json.source).toBe("operator");
  });
  test("a bad bible exits 2 naming the bad value, and the old one stays", async () => {
    const bad = join(dir, "bad.txt");
    writeFileSync(bad, BIBLE.replace("#f4e9dc", "#f4e9dz"));
    const r = await run(["bible", "--set", bad, "--db", db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Palette value "#f4e9dz"');
    expect(r.stderr).toContain(bad);
    const missing = await run(["bible", "--set", join(dir, "nope.txt"), "--db", db]);
    expect(missing.code).toBe(2);
    expect((await run(["bible", "--db", db])).stdout).toBe(`${BIBLE}\n`);
  });
});

describe("--memory", () => {
  const KEY = { ANTHROPIC_API_KEY: "sk-ant-test" };
  test("on by default; off by flag or RABBITHOLE_MEMORY; the flag wins", () => {
    expect(resolveServeConfig({}, KEY).memory).toBe(true);
    expect(resolveServeConfig({ memory: "off" }, KEY).memory).toBe(false);
    expect(resolveServeConfig({}, { ...KEY, RABBITHOLE_MEMORY: "off" }).memory).toBe(false);
    expect(resolveServeConfig({ memory: "on" }, { ...KEY, RABBITHOLE_MEMORY: "off" }).memory).toBe(
      true,
    );
  });
  test("anything else is refused, naming it", () => {
    expect(usageError(() => resolveServeConfig({ memory: "maybe" }, KEY)).message).toBe(
      '--memory "maybe" is not on or off',
    );
    expect(
      usageError(() => resolveServeConfig({}, { ...KEY, RABBITHOLE_MEMORY: "1" })).message,
    ).toContain("RABBITHOLE_MEMORY");
  });
});

describe("--offline with site memory", () => {
  test("writes a bible with the homepage, later pages into its shell, with canon", async () => {
    const site = startSite({
      llm: createOfflineClient({ chunkDelayMs: 0 }),
      memory: true,
      seed: "A field guide to imaginary moths",
    });
    try {
      const home = await site.get("/");
      expect(site.store.memory.bible()?.text).toContain("Name: A field guide to imaginary moths");
      const link = /href="(\/[^"]+\.html)"/.exec(home.body)?.[1] as string;
      const child = await site.get(link);
      expect(child.status).toBe(200);
      const grandchild = /<ul class="cards">[\s\S]*?href="(\/[^"]+\.html)"/.exec(
        child.body,
      )?.[1] as string;
      expect((await site.get(grandchild)).status).toBe(200);
      const shells = ["/", link, grandchild].map((k) =>
        extractShell(site.store.getPage(k)?.html ?? ""),
      );
      expect(shells[1]?.header).toBe(shells[0]?.header as string);
      expect(shells[2]?.footer).toBe(shells[0]?.footer as string);
      expect(site.store.getPage(grandchild)?.html).toContain(OFFLINE_BANNER);
      // The shared footer names no page, and the notice opens <main> on every page alike.
      expect(shells[0]?.footer).toBe(
        "<footer>A field guide to imaginary moths · rabbithole's offline generator</footer>",
      );
      for (const k of ["/", link, grandchild])
        expect(site.store.getPage(k)?.html).toMatch(/<main>\s*<div class="banner"/);
      expect(site.store.getMapping(grandchild)?.title).toBeTruthy();
      expect(site.store.memory.canonAbout(["offline"], 10).length).toBeGreaterThan(1);
    } finally {
      await site.close();
    }
  });
});
