// `rabbithole export DIR` as users run it (a subprocess) on a crawled site: every link leads to
// a file, the sitemap lists every page, --from limits it, and the database stays byte for byte
// what it was, at rest, beside a running server, and on a LiteFS replica.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/store.ts";
import { crawlLinkySite } from "../fixtures/linky-site.ts";
import { CLI, runCli, type Served, startServer } from "../fixtures/process.ts";
import { deadLinks, filesUnder } from "../fixtures/static-site.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-export-"));
const db = join(dir, "site.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => crawlLinkySite(db));

const cli = (args: string[]) => runCli(args, dir);

/**
 * The database file and its WAL, hashed: what "unchanged" means. A read-only connection may
 * leave an empty WAL behind where there was none (SQLite needs one to read a WAL database), and
 * an empty WAL holds nothing: both read as "empty".
 */
function fingerprint(path: string): string[] {
  return [path, `${path}-wal`].map((f) => {
    const bytes = existsSync(f) ? readFileSync(f) : Buffer.alloc(0);
    return bytes.length === 0 ? "empty" : createHash("sha256").update(bytes).digest("hex");
  });
}

const read = (out: string, file: string) => readFileSync(join(out, file), "utf8");
const manifestOf = (out: string) => JSON.parse(read(out, "manifest.json"));
const locs = (out: string) =>
  [...read(out, "sitemap.xml").matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);

describe("a whole site", () => {
  const out = join(dir, "whole");
  let before: string[];
  let run: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    before = fingerprint(db);
    run = await cli(["export", out, "--db", db]);
  });

  test("leaves the database byte for byte as it was", () => {
    expect(run.code).toBe(0);
    expect(fingerprint(db)).toEqual(before);
  });

  test("writes each page where a static server looks for it", () => {
    const pages = manifestOf(out).pages.map((p: { url: string; file: string }) => [p.url, p.file]);
    expect(Object.fromEntries(pages)).toEqual({
      "/": "index.html",
      "/p-a.html": "p-a.html",
      "/p-b.html": "p-b.html",
      "/docs/": "docs/index.html",
      "/docs": "docs.html",
      "/caf%C3%A9.html": "café.html",
      "/deep/x.html": "deep/x.html",
      "/docs/guide.html": "docs/guide.html",
      "/p-a-a.html": "p-a-a.html",
    });
    // Only URLs change: the text and the markup around them are as the server sends them.
    const text = (html: string) => html.replace(/<[^>]*>/g, "");
    const store = openStore(db, { readonly: true });
    for (const [url, file] of pages) {
      expect(text(read(out, file))).toBe(text(store.getPage(url)?.html ?? "?"));
    }
    store.close();
  });

  test("no internal link is dead: each one names a file of the export", () => {
    expect(deadLinks(out)).toEqual([]);
    const home = read(out, "index.html");
    expect(home).toContain('<a href="p-a.html#top">');
    expect(home).toContain('<a href="p-a.html">A with a query</a>');
    expect(home).toContain('<a href="docs/index.html">Docs</a>');
    expect(home).toContain('<a href="caf%C3%A9.html">Café</a>');
    expect(read(out, "docs/index.html")).toContain('<a href="../index.html">Home</a>');
    // Other sites, mail and fragments are left as they were.
    for (const kept of [
      "https://example.com/elsewhere",
      "mailto:moth@example.com",
      'href="#local"',
    ]) {
      expect(home).toContain(kept);
    }
  });

  test("links to pages never written lead to one page that says so, marked and nofollow", () => {
    const pa = read(out, "p-a.html");
    expect(pa).toContain(
      '<a href="not-written.html?not-written=%2Fp-a-b.html" data-rabbithole-href="/p-a-b.html" data-rabbithole-missing="not-written" rel="nofollow">',
    );
    const home = read(out, "index.html");
    expect(home).toContain('href="not-written.html?unknown=%2Fnever-promised.html"');
    expect(home).toContain('href="not-written.html?unknown=%2F__admin"');
    // A resource the export lacks loses its URL rather than loading a page.
    expect(home).toContain(
      '<img alt="logo" data-rabbithole-src="/logo.png" data-rabbithole-missing="unknown">',
    );
    expect(home).not.toContain(' src="/logo.png"');
    const m = manifestOf(out);
    expect(m.missing).toContainEqual({ url: "/p-a-b.html", reason: "not-written", links: 1 });
    expect(m.totals.missingLinks).toBe(
      m.missing.reduce((n: number, x: { links: number }) => n + x.links, 0),
    );
    expect(run.stdout).toContain(
      `${m.totals.missingLinks} links to ${m.missing.length} pages not in the export lead to not-written.html`,
    );
  });

  test("the sitemap lists every exported page; robots.txt; the manifest says where each came from", () => {
    const m = manifestOf(out);
    const html = filesUnder(out).filter((f) => f.endsWith(".html") && f !== "not-written.html");
    expect(m.pages.map((p: { file: string }) => p.file).sort()).toEqual(html);
    expect(locs(out).sort()).toEqual(
      [
        "./",
        "p-a.html",
        "p-b.html",
        "docs/",
        "docs.html",
        "caf%C3%A9.html",
        "deep/x.html",
        "docs/guide.html",
        "p-a-a.html",
      ].sort(),
    );
    expect(read(out, "robots.txt")).toBe(
      "# A site grown by rabbithole, exported as static files.\nUser-agent: *\nDisallow: /not-written.html\n",
    );
    for (const p of m.pages) {
      expect(p).toMatchObject({ model: "claude-sonnet-4-6", version: 1 });
      expect(p.costUsd).toBeGreaterThan(0);
      expect(Date.parse(p.createdAt)).toBeGreaterThan(0);
    }
    expect(m.generator).toMatch(/^rabbithole \d/);
    expect(run.stdout).toStartWith(`exported 9 pages (`);
  });
});

test("--from exports one subtree; links out of it are marked, and index.html opens it", async () => {
  const out = join(dir, "subtree");
  const r = await cli(["export", out, "--db", db, "--from", "http://moths.example/p-a.html"]);
  expect(r.code).toBe(0);
  const urls = manifestOf(out).pages.map((p: { url: string }) => p.url);
  expect(urls.sort()).toEqual(["/p-a-a.html", "/p-a.html"]);
  expect(locs(out).sort()).toEqual(["p-a-a.html", "p-a.html"]);
  expect(deadLinks(out)).toEqual([]);
  expect(read(out, "p-a.html")).toContain('href="not-written.html?outside-export=%2F"');
  expect(read(out, "index.html")).toContain('content="0; url=p-a.html"');
});

test("--site-url makes the sitemap's URLs absolute and names it in robots.txt", async () => {
  const out = join(dir, "absolute");
  expect(
    (await cli(["export", out, "--db", db, "--site-url", "https://moths.example/guide"])).code,
  ).toBe(0);
  expect(locs(out)).toContain("https://moths.example/guide/docs/");
  expect(read(out, "robots.txt")).toContain(
    "Disallow: /guide/not-written.html\nSitemap: https://moths.example/guide/sitemap.xml\n",
  );
});

test("beside a running server, after it crashed, and on a LiteFS replica, the database is untouched", async () => {
  const served: Served = await startServer(CLI, ["--offline", "--db", db], {}, dir);
  try {
    // A page the server writes now sits in the WAL, not yet in the database file.
    expect(await (await fetch(`${served.url}/p-b-a.html`)).text()).toContain("</html>");
    // Stored once its stream has ended: a cached answer carries an ETag.
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${served.url}/p-b-a.html`)).headers.has("etag")) break;
      await Bun.sleep(20);
    }
    const before = fingerprint(db);
    expect(before[1]).not.toBe("empty");
    expect((await cli(["export", join(dir, "beside"), "--db", db])).code).toBe(0);
    expect(fingerprint(db)).toEqual(before);
    expect(manifestOf(join(dir, "beside")).pages).toContainEqual(
      expect.objectContaining({ url: "/p-b-a.html", model: "offline" }),
    );
  } finally {
    served.proc.kill("SIGKILL");
    await served.proc.exited;
  }
  // Killed, the server left its WAL behind: a writer that opened the file now would fold the WAL
  // into it when it closed. The export, a reader, leaves both as they are.
  const crashed = fingerprint(db);
  expect(crashed[1]).not.toBe("empty");
  expect((await cli(["export", join(dir, "after-crash"), "--db", db])).code).toBe(0);
  expect(fingerprint(db)).toEqual(crashed);
  const replica = mkdtempSync(join(dir, "replica-"));
  for (const f of ["site.db", "site.db-wal"])
    writeFileSync(join(replica, f), readFileSync(join(dir, f)));
  writeFileSync(join(replica, ".primary"), "primary-machine\n");
  const before = fingerprint(join(replica, "site.db"));
  const r = await cli(["export", join(replica, "out"), "--db", join(replica, "site.db")]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(fingerprint(join(replica, "site.db"))).toEqual(before);
});

describe("bad input exits 2, names the value, and writes nothing", () => {
  const expectUsage = (r: { code: number; stderr: string; stdout: string }, ...parts: string[]) => {
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    for (const part of parts) expect(r.stderr).toContain(part);
  };

  test("a missing or unusable DIR, and bad options", async () => {
    expectUsage(await cli(["export", "--db", db]), "export needs a directory");
    writeFileSync(join(dir, "a-file"), "x");
    expectUsage(await cli(["export", join(dir, "a-file"), "--db", db]), "a-file", "is a file");
    const fresh = join(dir, "never");
    expectUsage(
      await cli(["export", fresh, "--db", db, "--site-url", "ftp://x"]),
      '--site-url "ftp://x"',
    );
    expectUsage(await cli(["export", fresh, "--db", db, "--site-url", "https://x/?a=1"]), "query");
    expectUsage(
      await cli(["export", fresh, "--db", db, "--from", "/nope.html"]),
      '--from "/nope.html"',
    );
    expectUsage(await cli(["export", fresh, "--db", db, "--from", "/a%zz"]), '--from "/a%zz"');
    expectUsage(await cli(["export", fresh, "--db", join(dir, "absent.db")]), "does not exist");
    expect(existsSync(fresh)).toBe(false);
    const empty = join(dir, "empty.db");
    openStore(empty).close();
    expectUsage(await cli(["export", fresh, "--db", empty]), "nothing to export");
    expect(existsSync(fresh)).toBe(false);
  });

  test("a non-empty DIR needs --force, which replaces an earlier export and nothing else", async () => {
    const out = join(dir, "again");
    expect((await cli(["export", out, "--db", db])).code).toBe(0);
    writeFileSync(join(out, "CNAME"), "moths.example\n");
    mkdirSync(join(out, "mine"));
    writeFileSync(join(out, "mine", "notes.html"), "my own");
    const refused = await cli(["export", out, "--db", db, "--from", "/docs/"]);
    expectUsage(refused, `"${out}" is not empty`, "--force");
    expect(existsSync(join(out, "p-b.html"))).toBe(true);

    const r = await cli(["export", out, "--db", db, "--from", "/docs/", "--force"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("replaced an earlier export");
    // The pages of the earlier export that this one lacks are gone; the user's files are not.
    expect(existsSync(join(out, "p-b.html"))).toBe(false);
    expect(existsSync(join(out, "deep"))).toBe(false);
    expect(read(out, "CNAME")).toBe("moths.example\n");
    expect(read(out, "mine/notes.html")).toBe("my own");
    expect(filesUnder(out)).toContain("docs/guide.html");
    expect(deadLinks(out).filter((d) => !d.page.startsWith("mine/"))).toEqual([]);
  });
});
