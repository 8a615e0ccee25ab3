// The one clock (core/clock.ts): the system clock reads the wall clock in epoch milliseconds,
// and is a plain object a test can replace with one it moves by hand.

import { expect, test } from "bun:test";
import { type Clock, systemClock } from "../../src/core/clock.ts";

test("the system clock is Date.now: epoch milliseconds, moving forward", async () => {
  const before = Date.now();
  const read = systemClock.now();
  const after = Date.now();
  expect(Number.isInteger(read)).toBe(true);
  expect(read).toBeGreaterThanOrEqual(before);
  expect(read).toBeLessThanOrEqual(after);
  await Bun.sleep(5);
  expect(systemClock.now()).toBeGreaterThan(read);
  // Detached from its object (as parts take it), it still reads the time.
  const { now } = systemClock;
  expect(Math.abs(now() - Date.now())).toBeLessThan(1000);
});

test("a hand-moved clock satisfies the same interface", () => {
  let t = 1_000;
  const clock: Clock = { now: () => t };
  t += 500;
  expect(clock.now()).toBe(1_500);
});
