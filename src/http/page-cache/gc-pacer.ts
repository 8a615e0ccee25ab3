// A cache miss allocates its page twice (the bytes read from SQLite, the cache's Blob of them):
// the first dies young, the second when the cache evicts it, and neither is freed before a
// collection finds it. JSC lets garbage grow in proportion to the live heap before it collects,
// and the page cache makes the live heap large: measured under random traffic over a 10,000-page
// site, that meant ~60 MB of dead pages resident on top of a 32 MB cache. The pacer asks for a
// full collection once misses have allocated a set number of bytes, never more often than a
// set interval: traffic served from memory allocates next to nothing and never pays for one.

export interface GcPacerOptions {
  /** Bytes that misses may allocate between two collections. */
  everyBytes: number;
  /** The shortest time between two collections: the cap on what pacing may cost. */
  minIntervalMs: number;
  collect?: () => void;
  now?: () => number;
}

export type GcPacer = ReturnType<typeof createGcPacer>;

export function createGcPacer(opts: GcPacerOptions) {
  const collect = opts.collect ?? (() => Bun.gc(true));
  const now = opts.now ?? performance.now.bind(performance);
  let owed = 0;
  let last = now();
  let collections = 0;
  return {
    /** Counts bytes a miss allocated; collects when enough have been and it is time. */
    allocated(bytes: number): void {
      owed += bytes;
      if (owed < opts.everyBytes) return;
      const t = now();
      if (t - last < opts.minIntervalMs) return;
      owed = 0;
      last = t;
      collections++;
      collect();
    },
    get collections() {
      return collections;
    },
  };
}
