// `rabbithole bible` in-process (cli/bible-command.ts): printing the bible, and replacing it
// only with a file that can be one, on the primary, in a database that exists.

import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { replaceBible, showBible } from "../../src/cli/bible-command.ts";
import { openStore } from "../../src/store/store.ts";
import { tempFolder } from "../fixtures/db-files.ts";
import { usageError } from "../fixtures/usage.ts";

const folder = tempFolder("bible-command");
afterAll(folder.remove);

const BIBLE =
  "Name: The Red Atlas\nNavigation: Home /; Geology /geology/\nCanon:\n- Olympus Mons: 21.9 km high\n- Valles Marineris: 4,000 km long";

function file(text: string): string {
  const path = join(folder.dir, `bible-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(path, text);
  return path;
}

describe("showBible", () => {
  test("none yet: a sentence, or null in JSON", () => {
    const db = folder.db();
    expect(showBible(db, false)).toStartWith(`no site bible in ${db} yet`);
    expect(JSON.parse(showBible(db, true))).toBeNull();
  });
});

describe("replaceBible", () => {
  test("replaces the bible and its canon, trimmed and without a BOM; then it is shown", () => {
    const db = folder.db();
    const said = replaceBible(db, file(`\uFEFF\n${BIBLE}\n\n`));
    expect(said).toBe(
      `bible replaced (${Buffer.byteLength(BIBLE)} bytes, 2 canon entries); new pages follow it`,
    );
    expect(showBible(db, false)).toBe(BIBLE);
    expect(JSON.parse(showBible(db, true))).toMatchObject({ text: BIBLE, source: "operator" });
    const store = openStore(db, { readonly: true });
    try {
      expect(store.memory.canonAbout(["Olympus"], 5)).toEqual([
        expect.objectContaining({ subject: "Olympus Mons", fact: "21.9 km high" }),
      ]);
    } finally {
      store.close();
    }
  });

  test("a file that cannot be a bible is refused naming what is wrong; the old one stays", () => {
    const db = folder.db();
    replaceBible(db, file(BIBLE));
    const noName = file("Navigation: Home /");
    expect(usageError(() => replaceBible(db, noName)).message).toStartWith(
      `--set "${noName}": the bible has no "Name:" line`,
    );
    const badNav = file("Name: X\nNavigation: Away https://evil.test/");
    expect(usageError(() => replaceBible(db, badNav)).message).toContain(
      "needs a site-relative path",
    );
    expect(usageError(() => replaceBible(db, file("   "))).message).toContain("the bible is empty");
    expect(usageError(() => replaceBible(db, join(folder.dir, "nope.txt"))).message).toContain(
      "nope.txt",
    );
    expect(showBible(db, false)).toBe(BIBLE);
  });

  test("on a replica, or into a database that does not exist: refused, nothing created", () => {
    const good = file(BIBLE);
    expect(usageError(() => replaceBible(folder.replica("m3"), good)).message).toContain(
      "LiteFS replica (the primary is m3): run bible --set on the primary",
    );
    const missing = folder.missing();
    expect(usageError(() => replaceBible(missing, good)).message).toBe(
      `database "${missing}" does not exist`,
    );
  });
});
