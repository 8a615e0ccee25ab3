// Wrong admin tokens (http/routes/admin/throttle.ts): ten per client per window, then a wait
// that counts down with the clock; clients counted as the rate limit counts them; one summary
// log line a minute, never the token.

import { describe, expect, test } from "bun:test";
import {
  createSignInThrottle,
  GUESSES_PER_WINDOW,
  WINDOW_MS,
} from "../../../../src/http/routes/admin/throttle.ts";
import { memoryLogger } from "../../../fixtures/site.ts";

function throttle() {
  let now = 5_000_000;
  const logger = memoryLogger();
  const t = createSignInThrottle({ now: () => now }, logger);
  return { t, logger, advance: (ms: number) => (now += ms) };
}

describe("the sign-in throttle", () => {
  test("ten wrong guesses are allowed; then the client waits out the window", () => {
    const { t, advance } = throttle();
    for (let i = 0; i < GUESSES_PER_WINDOW - 1; i++) t.wrong("203.0.113.5", "form");
    expect(t.waitSec("203.0.113.5")).toBe(0);
    t.wrong("203.0.113.5", "form");
    expect(t.waitSec("203.0.113.5")).toBe(WINDOW_MS / 1000);
    advance(WINDOW_MS - 1500);
    expect(t.waitSec("203.0.113.5")).toBe(2);
    advance(1500);
    expect(t.waitSec("203.0.113.5")).toBe(0);
    // A new window: one more wrong guess does not lock it again.
    t.wrong("203.0.113.5", "form");
    expect(t.waitSec("203.0.113.5")).toBe(0);
  });

  test("each client has its own count; one IPv6 /56 is one client", () => {
    const { t } = throttle();
    for (let i = 0; i < GUESSES_PER_WINDOW; i++) t.wrong(`2001:db8:1:ab${i}::1`, "bearer");
    expect(t.waitSec("2001:db8:1:aff::9")).toBeGreaterThan(0);
    expect(t.waitSec("2001:db8:1:b00::1")).toBe(0);
    expect(t.waitSec("203.0.113.5")).toBe(0);
  });

  test("one warning a minute at most, counting the guesses since the last, without the token", () => {
    const { t, logger, advance } = throttle();
    t.wrong("203.0.113.5", "form");
    for (let i = 0; i < 4; i++) {
      advance(1000);
      t.wrong("198.51.100.7", "bearer");
    }
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toEqual({
      level: "warn",
      args: [
        "admin sign-in refused: wrong token",
        { via: "form", ip: "203.0.113.5", wrongSinceLastLine: 1 },
      ],
    });
    advance(60_000);
    t.wrong("198.51.100.7", "bearer");
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]?.args[1]).toEqual({
      via: "bearer",
      ip: "198.51.100.7",
      wrongSinceLastLine: 5,
    });
  });
});
