// A rollback: a kept version of a page made current again, for the CLI and the admin view alike.
// Versions keep no compressed copies, so they are made afresh (the dcz one against the homepage
// as it is now, which may not be the one the version was first compressed against), then the
// page, its copies, a new ETag and the purge-log entry that tells other processes to forget the
// page they hold are written in one transaction (store/versions.ts).

import { encodePage } from "../encoding/encode.ts";
import { etagOf } from "../store/page-write.ts";
import type { Store } from "../store/store.ts";
import type { PageVersion } from "../store/versions.ts";

export type RollbackOutcome =
  | { kind: "restored"; version: number; replaced: number | null }
  | { kind: "current"; version: number }
  /** Nothing to restore: no such version (or none kept at all); `kept` lists what there is. */
  | { kind: "none"; kept: number[] };

/** Makes version `n` of the page at `key` current, or (null) the one replaced last. */
export async function rollbackPage(
  store: Store,
  key: string,
  n: number | null,
  now: () => number = Date.now,
): Promise<RollbackOutcome> {
  const versions = store.versions(key);
  const current = versions.find((v) => v.current)?.version ?? null;
  if (n !== null && n === current) return { kind: "current", version: n };
  const target = store.keptVersion(key, n);
  if (!target) return { kind: "none", kept: keptNumbers(versions) };
  const home = key === "/" ? null : store.getPageBody("/", "identity");
  const copies = await encodePage(target.html, home?.body ?? null);
  if (!store.restoreVersion(key, target.id, restoredEtag(target.html, now()), copies)) {
    // Restored (or restored over) by someone else while the copies were being made.
    return { kind: "none", kept: keptNumbers(store.versions(key)) };
  }
  return { kind: "restored", version: target.version, replaced: current };
}

function keptNumbers(versions: PageVersion[]): number[] {
  return versions.filter((v) => !v.current).map((v) => v.version);
}

/**
 * The same bytes as when the version was first current, under a new ETag: a browser or cache
 * that still holds the page it replaces must not be told "not modified", and neither must one
 * holding an older copy whose compressed variants were made against another homepage.
 */
export function restoredEtag(html: string, at: number): string {
  return `${etagOf(html).slice(0, -1)}.${at.toString(36)}"`;
}
