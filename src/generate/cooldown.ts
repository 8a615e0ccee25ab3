// A page whose generation failed is not paid for again on every visit: each key cools down
// after a failure, 30 s after the first and doubling with each failure in a row up to an hour.
// A broken page (a brief the model always refuses, an upstream that always errors) was retried
// and paid on every visit before (issue 12). A success, or a purge, forgets the key.

import type { Clock } from "../core/clock.ts";

export const COOLDOWN_BASE_MS = 30_000;
export const COOLDOWN_MAX_MS = 3_600_000;

export type Cooldown = ReturnType<typeof createCooldown>;

export function createCooldown(clock: Clock, baseMs = COOLDOWN_BASE_MS, maxMs = COOLDOWN_MAX_MS) {
  const keys = new Map<string, { failures: number; until: number }>();
  return {
    /** Records a paid failure of `key`; returns when it may be tried again. */
    failed(key: string): number {
      const failures = (keys.get(key)?.failures ?? 0) + 1;
      const until = clock.now() + Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 20));
      keys.set(key, { failures, until });
      return until;
    },
    succeeded(key: string): void {
      keys.delete(key);
    },
    /** While `key` cools down: its failures in a row and when it may be tried again. */
    cooling(key: string): { failures: number; until: number } | null {
      const k = keys.get(key);
      return k && clock.now() < k.until ? k : null;
    },
    /** What the failure page says while `key` cools down, and the Retry-After to send. */
    explain(key: string): { reason: string; retryAfterSec: number } | null {
      const c = this.cooling(key);
      if (!c) return null;
      const sec = Math.max(1, Math.ceil((c.until - clock.now()) / 1000));
      const at = new Date(c.until).toISOString().slice(11, 19);
      const times = c.failures === 1 ? "once" : `${c.failures} times in a row`;
      const reason = `Writing this page failed ${times}. It can be tried again from ${at} UTC (in ${sec} s).`;
      return { reason, retryAfterSec: sec };
    },
  };
}
