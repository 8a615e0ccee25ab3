import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export type Role = { primary: true } | { primary: false; host: string };

/** Who may write. Asked per decision, never cached: under LiteFS the primary can move. */
export interface Cluster {
  role(): Role;
}

const PRIMARY: Role = { primary: true };

/** A machine that is always the primary: local runs, `:memory:`, tests. */
export const standalone: Cluster = { role: () => PRIMARY };

/**
 * LiteFS writes `.primary` (the primary's hostname) next to the databases on replicas only.
 * Reading it is one small FUSE read, done on misses and health checks, never on cache hits.
 */
export function litefsCluster(dbPath: string): Cluster {
  if (dbPath === ":memory:") return standalone;
  const marker = join(dirname(dbPath), ".primary");
  return {
    role(): Role {
      let text: string;
      try {
        text = readFileSync(marker, "utf8");
      } catch {
        return PRIMARY;
      }
      const host = text.trim();
      return host ? { primary: false, host } : PRIMARY;
    },
  };
}

/**
 * The answer a replica gives to a request only the primary can serve. Fly replays it there;
 * a request that was already replayed once is not bounced again (no loops).
 */
export function replayResponse(req: Request, host: string): Response {
  if (req.headers.has("fly-replay-src")) {
    return new Response("The primary is moving; try again in a moment.\n", {
      status: 503,
      headers: { "retry-after": "1", "content-type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(null, {
    status: 409,
    headers: { "fly-replay": `instance=${host}`, "cache-control": "no-store" },
  });
}
