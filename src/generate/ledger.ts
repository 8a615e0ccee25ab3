// Fail closed on money. Every paid attempt is written to the ledger; when the database refuses
// the write (disk full, I/O error, demoted to a replica) the attempt is held here in memory, so
// the spend is still known (ledger + what is held) and still counts against --max-cost, and no
// new generation starts until the database accepts writes again and the held rows are in it.
// Before this, a failed write threw the spend away: eight paid calls on a full disk left `stats`
// unchanged and --max-cost overrun without bound (issue 12).

import type { Attempt, Logger } from "../core/types.ts";
import type { Store } from "../store/store.ts";

export type Ledger = ReturnType<typeof createLedger>;

export function createLedger(store: Store, logger: Logger) {
  const held: Attempt[] = [];
  let heldUsd = 0;

  function hold(attempt: Attempt, err: unknown): void {
    const first = held.length === 0;
    held.push(attempt);
    heldUsd += attempt.costUsd;
    // One line per stretch of failures, not one per attempt: the operator must act on it.
    if (first) {
      logger.error(
        "the database refused a write: new pages are stopped (503) until it accepts writes " +
          "again; the spend it could not record is kept in memory and counts against the budget",
        { key: attempt.key, costUsd: attempt.costUsd, error: String(err) },
      );
    }
  }

  return {
    /**
     * Writes the attempt's ledger row, through `save` when a page goes with it (one
     * transaction). False when the database refused: the attempt is then held, and recorded
     * without its page once writes succeed again.
     */
    write(attempt: Attempt, save?: (a: Attempt) => void): boolean {
      if (held.length > 0 && !this.flush()) {
        hold(unstored(attempt, "the database was refusing writes"), "still refused");
        return false;
      }
      try {
        if (save) save(attempt);
        else store.recordAttempt(attempt);
        return true;
      } catch (err) {
        hold(save ? unstored(attempt, String(err)) : attempt, err);
        return false;
      }
    },
    /** Tries to write what is held; true when nothing is held any more. */
    flush(): boolean {
      if (held.length === 0) return true;
      const usd = heldUsd;
      try {
        while (held.length > 0) {
          const a = held[0] as Attempt;
          store.recordAttempt(a);
          held.shift();
          heldUsd -= a.costUsd;
        }
      } catch {
        return false;
      }
      heldUsd = 0;
      logger.info("the database accepts writes again: the held spend is recorded", {
        costUsd: usd,
      });
      return true;
    },
    /** Spend paid for but not in the ledger yet. */
    heldUsd: () => heldUsd,
  };
}

/** A page that could not be stored is, in the ledger, a failed attempt: no page came of it. */
function unstored(a: Attempt, why: string): Attempt {
  return a.outcome === "ok" ? { ...a, outcome: "error", error: `not stored: ${why}` } : a;
}
