// What a generation writes: the finished page, the mappings of the links it promises, its ledger
// row and what it adds to the site's memory, in one transaction; or, for a failed or unfinished
// attempt, the ledger row alone (its money was spent all the same).

import type { Database } from "bun:sqlite";
import type { Attempt, Mapping, NewPage, Usage } from "../core/types.ts";
import type { MemoryStore, PageMemory } from "./memory.ts";

const USAGE_COLUMNS =
  "input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, web_searches";

export function etagOf(html: string): string {
  return `"${Bun.hash(html).toString(36)}"`;
}

function usageParams(u: Usage) {
  return [u.inputTokens, u.outputTokens, u.cacheWriteTokens, u.cacheReadTokens, u.webSearches];
}

/** The write statements of an open, writable database. */
export function pageWrites(db: Database, memory: MemoryStore, now: () => number) {
  const insertLedger = db.prepare(
    `INSERT INTO ledger (key, provider, model, ${USAGE_COLUMNS}, cost_usd, rounds, outcome,
       error, started_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const recordAttempt = (a: Attempt) =>
    insertLedger.run(
      a.key,
      a.provider ?? "anthropic",
      a.model,
      ...usageParams(a.usage),
      a.costUsd,
      a.rounds,
      a.outcome,
      a.error,
      a.startedAt,
      a.durationMs,
    );

  const savePage = db.transaction(
    (page: NewPage, children: Mapping[], attempt: Attempt, mem?: PageMemory) => {
      const at = now();
      const inserted = db
        .query(
          `INSERT OR IGNORE INTO pages (key, html, etag, prompt, depth, parent, model, ${USAGE_COLUMNS},
         cost_usd, rounds, gen_ms, created_at, gzip, br, dcz, dcz_dict)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          page.key,
          page.html,
          etagOf(page.html),
          page.prompt,
          page.depth,
          page.parent,
          page.model,
          ...usageParams(page.usage),
          page.costUsd,
          page.rounds,
          page.genMs,
          at,
          page.gzip ?? null,
          page.br ?? null,
          page.dcz ?? null,
          page.dczDict ?? null,
        ).changes;
      if (mem && inserted > 0) memory.save(page.key, mem);
      // An existing mapping is never overwritten: the first page to promise a link defines it.
      const insertMapping = db.query(
        `INSERT OR IGNORE INTO mappings (key, prompt, depth, parent, created_at, title)
       VALUES (?, ?, ?, ?, ?, ?)`,
      );
      for (const m of children)
        insertMapping.run(m.key, m.prompt, m.depth, m.parent, at, m.title ?? null);
      recordAttempt(attempt);
    },
  );

  return { savePage, recordAttempt };
}
