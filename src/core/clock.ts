// The one clock every part reads time from, so that tests can move it by hand.

export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: Date.now };
