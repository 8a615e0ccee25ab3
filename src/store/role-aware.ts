import { existsSync } from "node:fs";
import type { Stats } from "../core/types.ts";
import type { Cluster } from "./litefs.ts";
import type { MemoryStore } from "./memory.ts";
import { type OpenOptions, openStore, type Store } from "./store.ts";

const EMPTY_STATS: Stats = {
  pages: 0,
  mappings: 0,
  pendingMappings: 0,
  attempts: 0,
  failedAttempts: 0,
  spentUsd: 0,
  usage: {
    inputTokens: 0,
    outputTokens: 0,
    cacheWriteTokens: 0,
    cacheReadTokens: 0,
    webSearches: 0,
  },
  byModel: [],
};

/** The memory of a replica that has no database yet. */
const EMPTY_MEMORY: MemoryStore = {
  bible: () => null,
  setBible: () => {
    throw new Error("this machine is a replica: no database to write the bible to");
  },
  canonAbout: () => [],
  passages: () => [],
  pages: () => [],
  pageTitle: () => null,
  save: () => {},
  forget: () => {},
};

/**
 * The store as a LiteFS machine needs it. A replica opens the file read-only (no migration, no
 * pragma that writes, no checkpoint on close), and until the primary's database has replicated
 * it reads as empty. When this machine becomes the primary, the next write reopens it
 * read-write and migrates; a primary that becomes a replica is kept from writing by the
 * callers, which ask the cluster before every write.
 */
export function openRoleAwareStore(path: string, cluster: Cluster, opts: OpenOptions = {}): Store {
  let inner: Store | null = null;

  function open(readonly: boolean): Store | null {
    if (readonly && !existsSync(path)) return null;
    try {
      return openStore(path, { ...opts, readonly });
    } catch (err) {
      // A replica may see the file before its tables, or before the primary has migrated it
      // to this version (a rolling deploy): read it as empty until replication catches up.
      const older = /schema version (\d+), this rabbithole needs (\d+)/.exec(String(err));
      if (readonly && older && Number(older[1]) < Number(older[2])) return null;
      throw err;
    }
  }

  function reader(): Store | null {
    if (!inner) inner = open(!cluster.role().primary);
    return inner;
  }

  function writer(): Store {
    if (!cluster.role().primary) throw new Error(`database "${path}": this machine is a replica`);
    if (!inner || inner.readonly) {
      inner?.close();
      inner = open(false) as Store;
    }
    return inner;
  }

  // Fail at start-up, not at the first request, when the file is unusable.
  reader();

  return {
    path,
    get readonly() {
      return reader()?.readonly ?? true;
    },
    getPage: (key) => reader()?.getPage(key) ?? null,
    getPageBody: (key, best) => reader()?.getPageBody(key, best) ?? null,
    hasPage: (key) => reader()?.hasPage(key) ?? false,
    getMapping: (key) => reader()?.getMapping(key) ?? null,
    spentUsd: () => reader()?.spentUsd() ?? 0,
    listPages: () => reader()?.listPages() ?? [],
    pageKeysByDepth: () => reader()?.pageKeysByDepth() ?? [],
    pagesVersion: () => reader()?.pagesVersion() ?? "0:0",
    purgesAfter: (id) => reader()?.purgesAfter(id) ?? [],
    lastPurgeId: () => reader()?.lastPurgeId() ?? 0,
    siteMap: () => reader()?.siteMap() ?? [],
    versions: (key) => reader()?.versions(key) ?? [],
    keptVersion: (key, n) => reader()?.keptVersion(key, n) ?? null,
    keptVersionKeys: () => reader()?.keptVersionKeys() ?? [],
    stats: () => reader()?.stats() ?? EMPTY_STATS,
    setSeed: (prompt) => writer().setSeed(prompt),
    savePage: (page, children, attempt, memory) =>
      writer().savePage(page, children, attempt, memory),
    // Generations (the only memory writers) run on the primary; a replica reads what it has.
    get memory() {
      return (cluster.role().primary ? writer() : reader())?.memory ?? EMPTY_MEMORY;
    },
    recordAttempt: (attempt) => writer().recordAttempt(attempt),
    purge: (keys) => writer().purge(keys),
    restoreVersion: (key, id, etag, copies) => writer().restoreVersion(key, id, etag, copies),
    close: () => {
      inner?.close();
      inner = null;
    },
  };
}
