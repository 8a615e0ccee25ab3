// `rabbithole bible` prints the site bible; `rabbithole bible --set FILE` replaces it (after
// checking it: a typo there would shape every page written afterwards). Replacing it also
// replaces the canon entries its Canon lines name; pages already written stay as they are.

import { readBoundedFile } from "../config/values.ts";
import { bibleCanon, bibleProblem, MAX_BIBLE_BYTES } from "../contract/bible.ts";
import { UsageError } from "../core/errors.ts";
import { withStore } from "../store/store.ts";
import { withPrimaryStore } from "./db-commands.ts";

export function showBible(dbPath: string, json: boolean): string {
  const bible = withStore(dbPath, { readonly: true }, (store) => store.memory.bible());
  if (json) return JSON.stringify(bible, null, 2);
  if (!bible) {
    return `no site bible in ${dbPath} yet: it is written with the homepage (or with the next page of an older site)`;
  }
  return bible.text;
}

export function replaceBible(dbPath: string, file: string): string {
  const where = `--set "${file}"`;
  const text = readBoundedFile({ value: file, where }, MAX_BIBLE_BYTES, "a bible")
    .replace(/^\uFEFF/, "")
    .trim();
  const problem = bibleProblem(text);
  if (problem) throw new UsageError(`${where}: the bible ${problem}`);
  const canon = bibleCanon(text);
  withPrimaryStore(dbPath, "bible --set", (store) =>
    store.memory.setBible(text, "operator", canon),
  );
  return `bible replaced (${Buffer.byteLength(text)} bytes, ${canon.length} canon entries); new pages follow it`;
}
