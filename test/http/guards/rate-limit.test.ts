import { describe, expect, test } from "bun:test";
import { clientIp } from "../../../src/http/guards/client-ip.ts";
import {
  busyResponse,
  createRateLimiter,
  limitKey,
  rateLimitedResponse,
} from "../../../src/http/guards/rate-limit.ts";

function manualClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

describe("rate limiter", () => {
  test("a burst, then refusal with the wait until the next token", () => {
    const clock = manualClock();
    // 6 a minute: one token every 10 s.
    const rl = createRateLimiter({ perMinute: 6, burst: 3, clock });
    expect(rl.take("a")).toEqual({ ok: true });
    expect(rl.take("a")).toEqual({ ok: true });
    expect(rl.take("a")).toEqual({ ok: true });
    expect(rl.take("a")).toEqual({ ok: false, retryAfterSec: 10 });
    clock.advance(4_000);
    expect(rl.take("a")).toEqual({ ok: false, retryAfterSec: 6 });
    clock.advance(5_500);
    // 0.5 s short: Retry-After rounds up, never tells a client to come back too early.
    expect(rl.take("a")).toEqual({ ok: false, retryAfterSec: 1 });
    clock.advance(500);
    expect(rl.take("a")).toEqual({ ok: true });
    expect(rl.take("a")).toEqual({ ok: false, retryAfterSec: 10 });
  });

  test("refills at the sustained rate up to the burst, not beyond", () => {
    const clock = manualClock();
    const rl = createRateLimiter({ perMinute: 60, burst: 2, clock });
    rl.take("a");
    rl.take("a");
    clock.advance(3_600_000);
    expect(rl.take("a").ok).toBe(true);
    expect(rl.take("a").ok).toBe(true);
    expect(rl.take("a").ok).toBe(false);
  });

  test("clients are independent", () => {
    const rl = createRateLimiter({ perMinute: 1, burst: 1, clock: manualClock() });
    expect(rl.take("a").ok).toBe(true);
    expect(rl.take("a")).toEqual({ ok: false, retryAfterSec: 60 });
    expect(rl.take("b").ok).toBe(true);
    expect(rl.take("c").ok).toBe(true);
  });

  test("memory is bounded: the least recently seen client is forgotten first", () => {
    const clock = manualClock();
    const rl = createRateLimiter({ perMinute: 1, burst: 1, clock, maxClients: 3 });
    for (const c of ["a", "b", "c"]) rl.take(c);
    rl.take("a"); // refused, but seen: now b is the oldest
    rl.take("d");
    expect(rl.size).toBe(3);
    expect(rl.take("a").ok).toBe(false); // remembered
    expect(rl.take("b").ok).toBe(true); // forgotten: a fresh bucket
    for (let i = 0; i < 10_000; i++) rl.take(`ip-${i}`);
    expect(rl.size).toBe(3);
  });

  test("idle clients whose bucket is full again are dropped", () => {
    const clock = manualClock();
    const rl = createRateLimiter({ perMinute: 60, burst: 5, clock });
    for (let i = 0; i < 100; i++) rl.take(`ip-${i}`);
    expect(rl.size).toBe(100);
    clock.advance(5_000);
    rl.take("late");
    expect(rl.size).toBe(1);
  });

  test("rejects nonsense settings", () => {
    const clock = manualClock();
    expect(() => createRateLimiter({ perMinute: 0, burst: 1, clock })).toThrow(RangeError);
    expect(() => createRateLimiter({ perMinute: 1, burst: 0, clock })).toThrow(RangeError);
    expect(() => createRateLimiter({ perMinute: Number.NaN, burst: 1, clock })).toThrow();
  });
});

describe("client address", () => {
  const req = (headers: Record<string, string> = {}) =>
    new Request("http://rabbithole.test/", { headers });

  test("Fly-Client-IP only when running behind Fly", () => {
    const r = req({ "fly-client-ip": "203.0.113.7" });
    expect(clientIp(r, "172.16.0.2", true)).toBe("203.0.113.7");
    expect(clientIp(r, "172.16.0.2", false)).toBe("172.16.0.2");
  });

  test("on Fly, a missing or malformed header falls back to the socket", () => {
    expect(clientIp(req(), "172.16.0.2", true)).toBe("172.16.0.2");
    expect(clientIp(req({ "fly-client-ip": "evil, 1.2.3.4" }), "172.16.0.2", true)).toBe(
      "172.16.0.2",
    );
    expect(clientIp(req(), null, false)).toBe("unknown");
  });

  test("other forwarding headers are never believed", () => {
    const r = req({ "x-forwarded-for": "1.1.1.1", "x-real-ip": "2.2.2.2" });
    expect(clientIp(r, "198.51.100.4", true)).toBe("198.51.100.4");
  });

  test("limit keys: IPv4 as is, mapped IPv4 unwrapped, IPv6 by its /56", () => {
    expect(limitKey("198.51.100.4")).toBe("198.51.100.4");
    expect(limitKey("::ffff:198.51.100.4")).toBe("198.51.100.4");
    expect(limitKey("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:0::/56");
    expect(limitKey("2001:db8:1:2::9")).toBe("2001:db8:1:0::/56");
    expect(limitKey("2001:0DB8:0001:0002:ffff::1")).toBe("2001:db8:1:0::/56");
    // Every /64 of one /56 is one client; the next /56 is another.
    expect(limitKey("2001:db8:1:ff::1")).toBe("2001:db8:1:0::/56");
    expect(limitKey("2001:db8:1:1ff::1")).toBe("2001:db8:1:100::/56");
    expect(limitKey("::1")).toBe("0:0:0:0::/56");
    expect(limitKey("not-an-ip")).toBe("not-an-ip");
  });
});

describe("refusal responses", () => {
  test("429 with Retry-After in the server's look", async () => {
    const res = rateLimitedResponse(42);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("42");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const body = await res.text();
    expect(body).toContain("<!DOCTYPE html>");
    expect(body).toContain("42 seconds");
  });

  test("503 with Retry-After when the gate refuses", async () => {
    const res = busyResponse();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(await res.text()).toContain("Busy writing other pages");
  });
});
