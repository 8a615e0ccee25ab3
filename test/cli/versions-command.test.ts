// `rabbithole versions` and `rabbithole rollback` in-process (cli/versions-command.ts): the
// versions table, and a rollback's every outcome, each refusal naming what to do instead.

import { afterAll, describe, expect, test } from "bun:test";
import { listVersions, rollback } from "../../src/cli/versions-command.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { tempFolder } from "../fixtures/db-files.ts";
import { htmlDoc } from "../fixtures/fake-anthropic.ts";
import { seedPage } from "../fixtures/seed.ts";
import { usageError } from "../fixtures/usage.ts";

const folder = tempFolder("versions-command");
afterAll(folder.remove);

/** /a.html written twice: version 1 kept, version 2 current. */
const twice = () =>
  folder.db((store: Store) => {
    seedPage(store, "/a.html", { html: htmlDoc("First") });
    store.purge(["/a.html"]);
    seedPage(store, "/a.html", { html: htmlDoc("Second") });
  });

/** A usage error from an async command. */
async function refused(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return usageError(() => {
    throw err ?? new Error("nothing was thrown");
  }).message;
}

const htmlOf = (db: string, key: string) => {
  const store = openStore(db, { readonly: true });
  try {
    return store.getPage(key)?.html ?? null;
  } finally {
    store.close();
  }
};

describe("versions", () => {
  test("a table, oldest first, the current one and when each was replaced; or JSON", () => {
    const db = twice();
    const lines = listVersions(db, "a.html", false).split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+CREATED \(UTC\)\s+MODEL\s+COST\s+SIZE\s+STATE$/);
    expect(lines[1]).toMatch(/^\s+1 .* replaced \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(lines[2]).toMatch(/^\s+2 .* current$/);
    const json = JSON.parse(listVersions(db, "http://x.test/a.html", true));
    expect(json.key).toBe("/a.html");
    expect(json.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  test("no URL, or a page never written: refused, saying where to look", () => {
    const db = twice();
    expect(usageError(() => listVersions(db, undefined, false)).message).toBe(
      "versions needs a URL, like: rabbithole versions /planets/mars.html",
    );
    expect(usageError(() => listVersions(db, "/nope.html", false)).message).toContain(
      'no page has been written at "/nope.html"',
    );
  });
});

describe("rollback", () => {
  test("to the version replaced last by default; then that one is current", async () => {
    const db = twice();
    expect(await rollback(db, ["/a.html"], false)).toBe(
      "rolled back /a.html to version 1 (version 2 is kept)",
    );
    expect(htmlOf(db, "/a.html")).toContain("First");
    expect(await rollback(db, ["/a.html", "1"], false)).toBe(
      "version 1 of /a.html is already current: nothing changed",
    );
    expect(JSON.parse(await rollback(db, ["/a.html", "2"], true))).toEqual({
      key: "/a.html",
      kind: "restored",
      version: 2,
      replaced: 1,
    });
  });

  test("a version that is not kept lists the kept ones; a page with none says so", async () => {
    const db = twice();
    expect(await refused(rollback(db, ["/a.html", "7"], false))).toBe(
      "/a.html has no kept version 7: the kept ones are 1 (rabbithole versions /a.html)",
    );
    const once = folder.db((s) => seedPage(s, "/b.html"));
    expect(await refused(rollback(once, ["/b.html"], false))).toBe(
      '"/b.html" has no kept version to roll back to (rabbithole versions /b.html)',
    );
    expect(await refused(rollback(once, ["/b.html", "3"], false))).toBe(
      '"/b.html" has no version 3 to roll back to (rabbithole versions /b.html)',
    );
  });

  test("bad arguments are refused before the database is touched", async () => {
    const missing = folder.missing();
    expect(await refused(rollback(missing, [], false))).toContain("rollback needs a URL");
    expect(await refused(rollback(missing, ["/a.html", "0"], false))).toBe(
      '"0" is not a version number (rabbithole versions URL lists them)',
    );
    expect(await refused(rollback(missing, ["/a.html", "1.5"], false))).toContain('"1.5" is not');
    expect(await refused(rollback(missing, ["/a.html", "1", "2"], false))).toContain(
      'unexpected argument "2"',
    );
    expect(await refused(rollback(missing, ["/a.html", "1"], false))).toBe(
      `database "${missing}" does not exist`,
    );
    expect(await refused(rollback(folder.replica("m4"), ["/a.html"], false))).toContain(
      "(the primary is m4): run rollback on the primary",
    );
  });
});
