// A live page shows its links before its mappings exist, so a visitor can click one that is not
// mapped yet; the request then waits for the page being written to finish. That wait holds a
// connection for free, so it is bounded (issue 12: any URL whose last segment appeared in a
// page being written could hold one for 120 s): only a navigation waits, only for a link the
// page really shows (the segment followed by a quote, as in an href), at most
// MAX_WAITS_PER_CLIENT at once per client and MAX_WAITS in all; anything else is a 404 at once.

import type { Clock } from "../../core/clock.ts";
import type { Generator } from "../../generate/generator.ts";
import { isNavigation } from "./intent.ts";
import { limitKey } from "./rate-limit.ts";

/** A person clicks one link at a time; two covers a double click and a second tab. */
export const MAX_WAITS_PER_CLIENT = 2;
/** All clients together: well under what a machine holds open without noticing. */
export const MAX_WAITS = 64;

export type ClickAhead = ReturnType<typeof createClickAhead>;

export function createClickAhead(generator: Generator, clock: Clock) {
  const perClient = new Map<string, number>();
  let total = 0;

  return {
    /**
     * When a page being written already links to `key`, waits (until `deadline`) for it to
     * finish; true when it did and the request should be decided again.
     */
    async wait(req: Request, key: string, ip: string, deadline: number): Promise<boolean> {
      const left = deadline - clock.now();
      if (left <= 0 || !isNavigation(req.headers)) return false;
      const name = key.slice(key.lastIndexOf("/", key.length - 2) + 1) || key;
      const linking = generator
        .linkingTo(name)
        .filter((f) => [`${name}"`, `${name}'`].some((n) => f.html().includes(n)));
      if (linking.length === 0) return false;
      const client = limitKey(ip);
      const mine = perClient.get(client) ?? 0;
      if (mine >= MAX_WAITS_PER_CLIENT || total >= MAX_WAITS) return false;
      perClient.set(client, mine + 1);
      total++;
      let timer: Timer | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), left);
      });
      const finished = Promise.race(linking.map((f) => f.done.then(() => true as const)));
      try {
        return await Promise.race([finished, timeout, aborted(req.signal)]);
      } finally {
        clearTimeout(timer);
        total--;
        const n = (perClient.get(client) ?? 1) - 1;
        if (n === 0) perClient.delete(client);
        else perClient.set(client, n);
      }
    },
    /** Waits under way (tests, operators). */
    get waiting() {
      return total;
    },
  };
}

/** A visitor who leaves frees the slot at once. */
function aborted(signal: AbortSignal): Promise<false> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(false);
    else signal.addEventListener("abort", () => resolve(false), { once: true });
  });
}
