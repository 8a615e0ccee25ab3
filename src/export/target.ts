// The directory an export is written to. A new or empty directory is used as it is. A non-empty
// one is refused unless --force: then the files an earlier export listed in its manifest are
// removed first (pages since purged do not linger), and nothing else is touched, so a CNAME, a
// .git or anything of the user's beside the export survives, and a directory that holds no
// export only gains files. The manifest is read as untrusted: only names an export could have
// written (….html and its own files, inside the directory) are ever removed.

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { join, posix } from "node:path";
import { UsageError } from "../core/errors.ts";
import { SITE_FILES } from "./files.ts";

export const MANIFEST = "manifest.json";

/** Makes `dir` ready; returns how many files of an earlier export were removed. */
export function prepareDir(dir: string, force: boolean): number {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(`export directory "${dir}" is a file, not a directory`);
  }
  let entries: string[];
  try {
    mkdirSync(dir, { recursive: true });
    entries = readdirSync(dir);
  } catch (err) {
    throw new UsageError(`cannot write the export to "${dir}": ${(err as Error).message}`);
  }
  if (entries.length === 0) return 0;
  if (!force) {
    throw new UsageError(
      `export directory "${dir}" is not empty: give --force to write into it (the files of an ` +
        "earlier export there are replaced; nothing else is removed), or name a new directory",
    );
  }
  return removeEarlierExport(dir);
}

function removeEarlierExport(dir: string): number {
  const listed = earlierFiles(join(dir, MANIFEST));
  let removed = 0;
  const parents = new Set<string>();
  for (const file of listed) {
    const path = join(dir, file);
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    unlinkSync(path);
    removed++;
    for (let d = posix.dirname(file); d !== "."; d = posix.dirname(d)) parents.add(d);
  }
  // Deepest first, and only folders left empty: the user's own files keep theirs.
  for (const d of [...parents].sort((a, b) => b.length - a.length)) {
    const path = join(dir, d);
    if (existsSync(path) && readdirSync(path).length === 0) rmdirSync(path);
  }
  return removed;
}

function earlierFiles(manifestPath: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return []; // no manifest, or not one of ours: remove nothing
  }
  const m = parsed as { generator?: unknown; files?: unknown };
  if (typeof m.generator !== "string" || !m.generator.startsWith("rabbithole")) return [];
  if (!Array.isArray(m.files)) return [];
  return m.files.filter((f): f is string => typeof f === "string" && exportable(f));
}

/** A name an export writes: relative, normalised, inside the directory, ours by its name. */
function exportable(file: string): boolean {
  if (file !== posix.normalize(file) || file.startsWith("/") || file.startsWith("..")) return false;
  if (file.includes("\\") || file.includes("\0")) return false;
  return /\.html?$/i.test(file) || SITE_FILES.includes(file);
}
