// Wrong admin tokens are throttled per client, and logged as a summary rather than one line
// each: an unthrottled sign-in took 17,500 guesses a second, each with its own log line
// (issue 12). A token has at least 16 random characters, so the limit is not what keeps it
// secret; it keeps a guessing flood from costing CPU and burying the log.

import type { Clock } from "../../../core/clock.ts";
import type { Logger } from "../../../core/types.ts";
import { limitKey } from "../../guards/rate-limit.ts";

/** Wrong guesses a client may make per window before it must wait out the window. */
export const GUESSES_PER_WINDOW = 10;
export const WINDOW_MS = 10 * 60_000;
/** One summary line per minute at most, however many guesses. */
const LOG_EVERY_MS = 60_000;
const MAX_CLIENTS = 10_000;

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;

export function createSignInThrottle(clock: Clock, logger: Logger) {
  const clients = new Map<string, { wrong: number; since: number }>();
  let lastLog = -Infinity;
  let unlogged = 0;

  function entry(ip: string) {
    const now = clock.now();
    const key = limitKey(ip);
    const e = clients.get(key);
    if (e && now - e.since < WINDOW_MS) return { key, e };
    clients.delete(key);
    return { key, e: null };
  }

  return {
    /** Seconds this client must wait before it may guess again, or 0. */
    waitSec(ip: string): number {
      const { e } = entry(ip);
      if (!e || e.wrong < GUESSES_PER_WINDOW) return 0;
      return Math.max(1, Math.ceil((e.since + WINDOW_MS - clock.now()) / 1000));
    },
    wrong(ip: string, via: string): void {
      const { key, e } = entry(ip);
      clients.delete(key);
      clients.set(key, { wrong: (e?.wrong ?? 0) + 1, since: e?.since ?? clock.now() });
      while (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
      unlogged++;
      const now = clock.now();
      if (now - lastLog < LOG_EVERY_MS) return;
      // Never the token itself: a near miss in a log is most of a secret.
      logger.warn("admin sign-in refused: wrong token", {
        via,
        ip,
        wrongSinceLastLine: unlogged,
      });
      lastLog = now;
      unlogged = 0;
    },
  };
}
