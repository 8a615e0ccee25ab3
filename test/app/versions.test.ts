// Versions instead of lost pages: a regeneration or a purge keeps the page it replaces, and a
// rollback serves it again at once (new ETag, fresh compressed copies, the memory cache), through
// the admin view in-process and through the CLI on a running server's database.

import { Database } from "bun:sqlite";
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { rollbackPage } from "../../src/generate/rollback.ts";
import { openStore } from "../../src/store/store.ts";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { runCli } from "../fixtures/process.ts";
import { keyOf, type Site, startSite } from "../fixtures/site.ts";

const TOKEN = "versions-test-admin-token-0123456789";
const dir = mkdtempSync(join(tmpdir(), "rabbithole-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

/** Each writing of a page is new: version n of a page links to (and maps) `<page>-v<n>.html`. */
function versionedHandler() {
  const writes = new Map<string, number>();
  return (body: Parameters<typeof keyOf>[0]) => {
    const key = keyOf(body);
    const n = (writes.get(key) ?? 0) + 1;
    writes.set(key, n);
    const child = `${key === "/" ? "/home" : key.replace(/\.html$/, "")}-v${n}.html`;
    const html = htmlDoc(
      `${key} v${n}`,
      `<h1>${key}, written ${n}</h1><a href="${child}">next</a>`,
    );
    return pageReply(html, [{ url: child, prompt: `The page ${child}.` }]);
  };
}

function start(dbPath?: string): Site {
  site = startSite({ handler: versionedHandler(), adminToken: TOKEN, dbPath });
  return site;
}

/** An admin action as a script sends it: a Bearer token, no cookie, no CSRF field needed. */
async function act(s: Site, action: string, fields: Record<string, string>, drain = true) {
  const res = await s.request(`/__admin/${action}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields),
  });
  expect(res.status).toBe(303);
  if (drain) await s.app.generator.drain();
  return res.headers.get("location") ?? "";
}

async function page(s: Site, path: string, headers: Record<string, string> = {}) {
  const res = await s.request(path, { headers });
  return { status: res.status, etag: res.headers.get("etag"), bytes: await res.bytes(), res };
}

describe("versions in a running app", () => {
  test("a regenerated page lists two versions; rollback restores the first byte for byte, with a new ETag, at once", async () => {
    const s = start();
    expect((await page(s, "/")).status).toBe(200); // written live
    const first = await page(s, "/"); // the cached copy, with its ETag
    expect(first.etag).not.toBeNull();
    // Held in memory in two encodings: the rollback must reach both.
    const firstBr = await page(s, "/", { "accept-encoding": "br" });
    expect(await act(s, "regenerate", { key: "/" })).toBe("/__admin?done=regenerating&key=%2F");
    const second = await page(s, "/");
    expect(new TextDecoder().decode(second.bytes)).toContain("written 2");
    expect(s.store.versions("/")).toMatchObject([
      { version: 1, current: false, model: "claude-sonnet-4-6", bytes: first.bytes.length },
      { version: 2, current: true, bytes: second.bytes.length },
    ]);

    const back = await act(s, "rollback", { key: "/" });
    expect(back).toBe("/__admin/versions?key=%2F&done=rolled-back");
    const restored = await page(s, "/");
    expect(restored.bytes).toEqual(first.bytes);
    expect(restored.etag).not.toBe(first.etag);
    expect(restored.etag).not.toBe(second.etag);
    // A browser holding the first copy's ETag is sent the page, not "not modified".
    const held = await s.request("/", { headers: { "if-none-match": firstBr.etag as string } });
    expect(held.status).toBe(200);
    const br = await page(s, "/", { "accept-encoding": "br" });
    expect(br.res.headers.get("content-encoding")).toBe("br");
    expect(br.etag).not.toBe(firstBr.etag);
    expect(new Uint8Array(brotliDecompressSync(br.bytes))).toEqual(first.bytes);
    const stored = s.store.getPage("/");
    expect(new Uint8Array(gunzipSync(stored?.gzip as Uint8Array))).toEqual(first.bytes);
    expect(s.store.versions("/").map((v) => [v.version, v.current])).toEqual([
      [1, true],
      [2, false],
    ]);
    // Without a number, a rollback undoes the last change: here, the rollback itself.
    await act(s, "rollback", { key: "/" });
    expect((await page(s, "/")).bytes).toEqual(second.bytes);
  });

  test("links of every version keep working: children's mappings outlive the version that made them", async () => {
    const s = start();
    await page(s, "/");
    await act(s, "regenerate", { key: "/" });
    await act(s, "rollback", { key: "/", version: "1" });
    expect(new TextDecoder().decode((await page(s, "/")).bytes)).toContain('href="/home-v1.html"');
    expect((await page(s, "/home-v1.html")).status).toBe(200);
    expect((await page(s, "/home-v2.html")).status).toBe(200);
  });

  test("a purge keeps the version; a rollback undoes the purge", async () => {
    const s = start();
    const before = await page(s, "/");
    expect(await act(s, "purge", { key: "/" })).toBe("/__admin?done=purged&key=%2F");
    expect(s.store.hasPage("/")).toBe(false);
    expect(s.store.versions("/")).toMatchObject([{ version: 1, current: false }]);
    await act(s, "rollback", { key: "/" });
    expect((await page(s, "/")).bytes).toEqual(before.bytes);
    expect(s.store.versions("/")).toMatchObject([{ version: 1, current: true }]);
    // Site memory's full-text index follows: what later pages are told of this one.
    const passages = () => s.store.memory.passages(["written"], "/none", 5).map((p) => p.key);
    expect(passages()).toEqual(["/"]);
    await act(s, "purge", { key: "/" });
    expect(passages()).toEqual([]);
    await act(s, "rollback", { key: "/" });
    expect(passages()).toEqual(["/"]);
    // A page other than the homepage gets its dcz copy afresh, against the homepage as it is.
    await page(s, "/home-v1.html");
    await act(s, "purge", { key: "/home-v1.html" });
    await act(s, "rollback", { key: "/home-v1.html" });
    const home = s.store.getPage("/")?.html as string;
    const dict = new Bun.CryptoHasher("sha256").update(home).digest("base64");
    expect(s.store.getPage("/home-v1.html")).toMatchObject({ dcz_dict: dict });
    expect(s.store.getPage("/home-v1.html")?.dcz?.length).toBeGreaterThan(40);
  });

  test("what cannot be rolled back says so and changes nothing", async () => {
    const s = start();
    await page(s, "/"); // written live: the ETag comes with the cached copy
    const before = await page(s, "/");
    expect(before.etag).not.toBeNull();
    expect(await rollbackPage(s.store, "/", null)).toEqual({ kind: "none", kept: [] });
    expect(await rollbackPage(s.store, "/", 1)).toEqual({ kind: "current", version: 1 });
    expect(await act(s, "rollback", { key: "/", version: "7" })).toContain("done=no-version");
    expect(await act(s, "rollback", { key: "/", version: "x" })).toContain("done=no-version");
    expect((await page(s, "/")).etag).toBe(before.etag);
  });
});

test("while the page is being written again, a rollback is refused: the new page would be lost", async () => {
  const s = start();
  await page(s, "/");
  s.fake.setHandler(() => ({ text: pageReply(htmlDoc("slow")), headersDelayMs: 300 }));
  await act(s, "regenerate", { key: "/" }, false);
  expect(await act(s, "rollback", { key: "/" }, false)).toContain("done=busy");
  await s.app.generator.drain();
  expect(s.store.versions("/").map((v) => [v.version, v.current])).toEqual([
    [1, false],
    [2, true],
  ]);
});

describe("the schema", () => {
  test("pages of an older database become version 1; the next page of a key is 2", () => {
    const path = join(dir, "older.db");
    openStore(path).close();
    const db = new Database(path);
    db.exec(`ALTER TABLE ledger DROP COLUMN provider;
             DROP TRIGGER pages_number_version; DROP TRIGGER pages_keep_version;
             DROP TABLE page_versions; ALTER TABLE pages DROP COLUMN version;
             PRAGMA user_version = 5;
             INSERT INTO pages (key, html, etag, prompt, depth, parent, model, input_tokens,
               output_tokens, cache_write_tokens, cache_read_tokens, web_searches, cost_usd,
               rounds, gen_ms, created_at)
             VALUES ('/old', '<html>old</html>', '"e"', 'p', 1, NULL, 'm', 0, 0, 0, 0, 0, 0.5, 1,
               0, 0)`);
    db.close();
    const store = openStore(path);
    expect(store.versions("/old")).toMatchObject([{ version: 1, current: true, costUsd: 0.5 }]);
    expect(store.purge(["/old"])).toEqual(["/old"]);
    expect(store.versions("/old")).toMatchObject([{ version: 1, current: false }]);
    store.close();
  });
});

const cli = (args: string[]) => runCli(args, dir);

function expectUsage(r: { code: number; stderr: string }, ...parts: string[]): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toStartWith("rabbithole: ");
  for (const part of parts) expect(r.stderr).toContain(part);
}

describe("versions and rollback on the command line", () => {
  test("a rollback through the CLI reaches a server running on the database within its poll", async () => {
    const path = join(dir, "served.db");
    const s = start(path);
    await page(s, "/");
    const first = await page(s, "/");
    expect(first.etag).not.toBeNull();
    await act(s, "regenerate", { key: "/" });
    const second = await page(s, "/"); // now held in the server's memory

    const listed = await cli(["versions", "/", "--db", path]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^VERSION\s+CREATED \(UTC\)\s+MODEL\s+COST\s+SIZE\s+STATE$/m);
    expect(listed.stdout).toMatch(/^\s*1\s.*claude-sonnet-4-6.*replaced /m);
    expect(listed.stdout).toMatch(/^\s*2\s.*current$/m);
    const json = JSON.parse(
      (await cli(["versions", "--json", "--db", path, "/index.html"])).stdout,
    );
    expect(json.key).toBe("/");
    expect(json.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    const r = await cli(["rollback", "/", "1", "--db", path]);
    expect(r).toMatchObject({
      code: 0,
      stdout: "rolled back / to version 1 (version 2 is kept)\n",
    });
    let now = second;
    for (let i = 0; i < 100 && now.etag === second.etag; i++) {
      await Bun.sleep(50);
      now = await page(s, "/");
    }
    expect(now.bytes).toEqual(first.bytes);
    expect(now.etag).not.toBe(first.etag);
    const again = await cli(["rollback", "/", "1", "--db", path]);
    expect(again.stdout).toBe("version 1 of / is already current: nothing changed\n");
  });

  test("bad input exits 2, names the value, and changes nothing", async () => {
    const path = join(dir, "served.db");
    expectUsage(await cli(["versions", "--db", path]), "versions needs a URL");
    expectUsage(await cli(["versions", "/nope.html", "--db", path]), '"/nope.html"');
    expectUsage(await cli(["versions", "/a%zz", "--db", path]), '"/a%zz"');
    expectUsage(await cli(["rollback", "--db", path]), "rollback needs a URL");
    expectUsage(await cli(["rollback", "/", "two", "--db", path]), '"two" is not a version');
    expectUsage(await cli(["rollback", "/", "9", "--db", path]), "no kept version 9", "are 2");
    expectUsage(await cli(["rollback", "/nope.html", "--db", path]), '"/nope.html" has no');
    expectUsage(await cli(["rollback", "/", "1", "2", "--db", path]), '"2"');
    const absent = join(dir, "absent.db");
    expectUsage(await cli(["rollback", "/", "--db", absent]), "does not exist");
    expectUsage(await cli(["versions", "/", "--db", absent]), "does not exist");
    expect(await Bun.file(absent).exists()).toBe(false);
  });

  test("on a LiteFS replica a rollback is refused, and versions still reads", async () => {
    const replicaDir = mkdtempSync(join(dir, "replica-"));
    const path = join(replicaDir, "site.db");
    const s = start(path);
    await page(s, "/");
    await act(s, "purge", { key: "/" });
    writeFileSync(join(replicaDir, ".primary"), "primary-machine\n");
    expectUsage(await cli(["rollback", "/", "--db", path]), "LiteFS replica", "primary-machine");
    expect((await cli(["versions", "/", "--db", path])).code).toBe(0);
    expect(s.store.hasPage("/")).toBe(false);
  });
});
