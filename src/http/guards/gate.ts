// A global cap on concurrent generations with a short, bounded queue. The cap protects the
// upstream rate limit and the operator's wallet from a burst of distinct new links; the queue
// absorbs a moment's overlap without making anyone wait long, since a queued visitor sees
// nothing until a slot frees. Beyond it the answer is an honest 503, not an ever-growing wait.

/** The timer surface the gate needs, so tests can drive timeouts by hand. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as Timer),
};

export interface GateOptions {
  /** Slots: generations that may run at once. */
  max: number;
  /** Waiters allowed beyond them; 0 refuses at once when full. */
  queue: number;
  /** How long a waiter may wait for a slot before it is refused. */
  queueTimeoutMs: number;
  clock?: Timers;
}

/** Frees a slot; calling it again does nothing. */
export type Release = () => void;

export interface Gate {
  /** A slot's release, or null when refused (queue full, timed out, or `signal` aborted). */
  acquire(signal?: AbortSignal): Promise<Release | null>;
  readonly active: number;
  readonly queued: number;
}

interface Waiter {
  grant(release: Release | null): void;
}

export function createGate(opts: GateOptions): Gate {
  const { max, queue, queueTimeoutMs } = opts;
  const timers = opts.clock ?? realTimers;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be >= 1, not ${max}`);
  if (!Number.isInteger(queue) || queue < 0) throw new RangeError(`queue must be >= 0: ${queue}`);
  let active = 0;
  const waiters: Waiter[] = [];

  function release(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      // Hand the slot straight to the longest waiter, so a newcomer cannot overtake it.
      const next = waiters.shift();
      if (next) next.grant(release());
      else active--;
    };
  }

  return {
    acquire(signal?: AbortSignal): Promise<Release | null> {
      if (signal?.aborted) return Promise.resolve(null);
      if (active < max) {
        active++;
        return Promise.resolve(release());
      }
      if (waiters.length >= queue) return Promise.resolve(null);
      return new Promise((resolve) => {
        const waiter: Waiter = {
          grant(r) {
            timers.clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            resolve(r);
          },
        };
        // Leaving the queue (timeout or abort) gives nothing back: the slot was never held.
        const leave = () => {
          const i = waiters.indexOf(waiter);
          if (i !== -1) {
            waiters.splice(i, 1);
            waiter.grant(null);
          }
        };
        const onAbort = () => leave();
        const timer = timers.setTimeout(leave, queueTimeoutMs);
        signal?.addEventListener("abort", onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    get active() {
      return active;
    },
    get queued() {
      return waiters.length;
    },
  };
}
