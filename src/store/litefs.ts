import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Role } from "../core/role.ts";

/** Who may write. Asked per decision, never cached: under LiteFS the primary can move. */
export interface Cluster {
  role(): Role;
}

const PRIMARY: Role = { primary: true };

/** A machine that is always the primary: local runs, `:memory:`, tests. */
export const standalone: Cluster = { role: () => PRIMARY };

/**
 * LiteFS writes `.primary` (the primary's hostname) next to the databases on a replica that is
 * connected to its primary. A replica that has lost its primary (the primary restarting) has no
 * `.primary` either: under the real LiteFS such a replica took itself for the primary, generated
 * a page and failed to store it ("read only replica"). So no `.primary` means primary only when
 * `.lag` (always there in a LiteFS mount) reads 0, which LiteFS writes only while it holds the
 * lease; a directory without `.lag` is no LiteFS mount: a standalone primary. Two small FUSE
 * reads, done on misses and health checks, never on cache hits.
 */
export function litefsCluster(dbPath: string): Cluster {
  if (dbPath === ":memory:") return standalone;
  const dir = dirname(dbPath);
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), "utf8").trim();
    } catch {
      return null;
    }
  };
  return {
    role(): Role {
      const host = read(".primary");
      if (host) return { primary: false, host };
      const lag = read(".lag");
      return lag === null || Number(lag) === 0 ? PRIMARY : { primary: false, host: "" };
    },
  };
}
