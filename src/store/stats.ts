// The totals behind `rabbithole stats` and the admin view: pages, mappings, the ledger's sums.
import type { Database } from "bun:sqlite";
import type { ModelSpend, Stats } from "../core/types.ts";

export function readStats(db: Database): Stats {
  const one = <T>(sql: string) => db.query(sql).get() as T;
  const u = one<Record<string, number>>(
    `SELECT count(*) AS attempts, total(outcome <> 'ok') AS failed, total(cost_usd) AS spent,
       total(input_tokens) AS i, total(output_tokens) AS o, total(cache_write_tokens) AS cw,
       total(cache_read_tokens) AS cr, total(web_searches) AS ws FROM ledger`,
  );
  const pages = one<{ n: number }>("SELECT count(*) AS n FROM pages").n;
  const mappings = one<{ n: number }>("SELECT count(*) AS n FROM mappings").n;
  const pending = one<{ n: number }>(
    "SELECT count(*) AS n FROM mappings m WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.key = m.key)",
  ).n;
  const byModel = db
    .query(
      `SELECT provider, model, count(*) AS attempts, total(input_tokens + cache_write_tokens +
         cache_read_tokens) AS inputTokens, total(output_tokens) AS outputTokens,
         total(cost_usd) AS spentUsd
       FROM ledger GROUP BY provider, model ORDER BY spentUsd DESC, attempts DESC, model`,
    )
    .all() as ModelSpend[];
  return {
    pages,
    mappings,
    pendingMappings: pending,
    attempts: u.attempts ?? 0,
    failedAttempts: u.failed ?? 0,
    spentUsd: u.spent ?? 0,
    usage: {
      inputTokens: u.i ?? 0,
      outputTokens: u.o ?? 0,
      cacheWriteTokens: u.cw ?? 0,
      cacheReadTokens: u.cr ?? 0,
      webSearches: u.ws ?? 0,
    },
    byModel,
  };
}
