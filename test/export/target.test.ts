// The directory an export goes to: used as it is when new or empty, refused when not empty
// without --force, and with --force cleared of exactly the files an earlier export listed.
// The manifest is untrusted: nothing outside the directory, nothing not ours, is ever removed.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MANIFEST, prepareDir } from "../../src/export/target.ts";
import { usageError } from "../fixtures/usage.ts";

const root = mkdtempSync(join(tmpdir(), "rabbithole-target-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function dirWith(files: Record<string, string>): string {
  const dir = join(root, `d${n++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}
const manifest = (files: unknown, generator: unknown = "rabbithole 0.1.0") =>
  JSON.stringify({ generator, files });
const left = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe("prepareDir", () => {
  test("a new directory is made, an empty one used as it is: nothing removed", () => {
    expect(prepareDir(join(root, "new", "deeper"), false)).toBe(0);
    expect(existsSync(join(root, "new", "deeper"))).toBe(true);
    expect(prepareDir(dirWith({}), false)).toBe(0);
  });

  test("a non-empty directory without --force is refused, naming it and the way out", () => {
    const dir = dirWith({ CNAME: "moths.example" });
    expect(usageError(() => prepareDir(dir, false)).message).toBe(
      `export directory "${dir}" is not empty: give --force to write into it (the files of an ` +
        "earlier export there are replaced; nothing else is removed), or name a new directory",
    );
    expect(left(dir)).toEqual(["CNAME"]);
  });

  test("a file where the directory should be is refused", () => {
    const file = join(dirWith({ f: "x" }), "f");
    expect(usageError(() => prepareDir(file, true)).message).toBe(
      `export directory "${file}" is a file, not a directory`,
    );
  });

  test("--force removes the listed files and the folders they leave empty; the user's files stay", () => {
    const dir = dirWith({
      [MANIFEST]: manifest([
        "index.html",
        "docs/a.html",
        "docs/deep/b.html",
        "gone.html",
        "sitemap.xml",
        MANIFEST,
      ]),
      "index.html": "",
      "docs/a.html": "",
      "docs/deep/b.html": "",
      "docs/notes.md": "mine",
      "sitemap.xml": "",
      CNAME: "moths.example",
      ".git/HEAD": "ref",
    });
    expect(prepareDir(dir, true)).toBe(5);
    expect(left(dir)).toEqual([".git", ".git/HEAD", "CNAME", "docs", "docs/notes.md"]);
  });

  test("an untrusted manifest: names outside the directory or not an export's are never removed", () => {
    const outside = join(root, "precious.html");
    writeFileSync(outside, "keep");
    const dir = dirWith({
      [MANIFEST]: manifest([
        "../precious.html",
        outside,
        "./index.html",
        "a//b.html",
        "notes.md",
        "src\\x.html",
        "docs",
        42,
        "page.HTM",
      ]),
      "notes.md": "mine",
      "index.html": "",
      "a/b.html": "",
      "page.HTM": "",
      "docs/x.html": "",
    });
    expect(prepareDir(dir, true)).toBe(1); // page.HTM: an export's name, normalised, inside
    expect(existsSync(outside)).toBe(true);
    expect(left(dir)).toEqual(
      ["a", "a/b.html", "docs", "docs/x.html", "index.html", MANIFEST, "notes.md"].sort(),
    );
  });

  test("a manifest that is not ours, or not JSON, or has no file list: nothing removed", () => {
    for (const text of [
      manifest(["index.html"], "hugo"),
      manifest(["index.html"], 7),
      "{not json",
      manifest("index.html"),
    ]) {
      const dir = dirWith({ [MANIFEST]: text, "index.html": "" });
      expect(prepareDir(dir, true)).toBe(0);
      expect(left(dir)).toEqual(["index.html", MANIFEST].sort());
    }
  });
});
