// Limits on what one client, and all clients together, can make the server spend. Only NEW
// generations are limited: a cached page costs nothing and is never refused, and a visitor who
// joins a generation already under way adds no cost either.

import type { Clock } from "../../core/clock.ts";
import { htmlResponse } from "../respond/respond.ts";
import { errorPage } from "../views/status-pages.ts";

export interface RateLimiterOptions {
  /** Sustained rate: new generations per minute per client. */
  perMinute: number;
  /** How many a client may start at once after being idle. */
  burst: number;
  clock: Clock;
  /** Most clients remembered (default 10,000); the least recently seen are forgotten first. */
  maxClients?: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSec: number };

export interface RateLimiter {
  take(client: string): Take;
  /** Clients currently remembered (for tests and metrics). */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client: `burst` tokens, refilled at `perMinute`. Memory is bounded two
 * ways: a client idle long enough to have refilled is indistinguishable from a new one, so it
 * is dropped; and past `maxClients` the least recently seen go first. Forgetting a client only
 * ever gives it a fresh burst, so an attacker needs more addresses than `maxClients` to gain
 * anything from eviction.
 */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const { perMinute, burst, clock } = opts;
  const maxClients = opts.maxClients ?? 10_000;
  if (!(perMinute > 0) || !Number.isFinite(perMinute)) {
    throw new RangeError(`perMinute must be a positive number, not ${perMinute}`);
  }
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`burst must be a whole number >= 1, not ${burst}`);
  }
  if (!Number.isInteger(maxClients) || maxClients < 1) {
    throw new RangeError(`maxClients must be a whole number >= 1, not ${maxClients}`);
  }
  const perMs = perMinute / 60_000;
  const refillMs = burst / perMs;
  // A Map iterates in insertion order; re-inserting on every use keeps it least-recent first.
  const buckets = new Map<string, Bucket>();

  const level = (b: Bucket, now: number) =>
    Math.min(burst, b.tokens + Math.max(0, now - b.at) * perMs);

  function sweep(now: number) {
    for (const [client, b] of buckets) {
      if (now - b.at < refillMs) break;
      buckets.delete(client);
    }
  }

  return {
    take(client: string): Take {
      const now = clock.now();
      sweep(now);
      const b = buckets.get(client);
      const tokens = b ? level(b, now) : burst;
      buckets.delete(client);
      if (tokens >= 1) {
        buckets.set(client, { tokens: tokens - 1, at: now });
        while (buckets.size > maxClients) {
          const oldest = buckets.keys().next().value as string;
          buckets.delete(oldest);
        }
        return { ok: true };
      }
      buckets.set(client, { tokens, at: now });
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
    },
    get size() {
      return buckets.size;
    },
  };
}

/**
 * The key to rate-limit an address by. IPv4-mapped IPv6 ("::ffff:1.2.3.4", as a dual-stack
 * socket reports IPv4 peers) is the IPv4 address. Other IPv6 addresses count by their /56.
 * A /64 was too narrow: one holder of a /48 had 65,536 buckets (issue 12). /56 is what most
 * ISPs delegate to one home (RIPE-690 recommends /48 or /56 per end site), so a subscriber
 * gets one bucket however its routers number their /64s; a whole /48 gets 256, each still
 * under --rate-limit, behind --max-concurrent and the budget. Keying by /48 instead would put
 * up to 256 households of one ISP pool behind one limit, and they would refuse each other.
 */
export function limitKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1] as string;
  if (!ip.includes(":")) return ip;
  const groups = expandIpv6(ip);
  if (!groups) return ip;
  const fourth = (Number.parseInt(groups[3] as string, 16) & 0xff00).toString(16);
  return `${groups.slice(0, 3).join(":")}:${fourth}::/56`;
}

function expandIpv6(ip: string): string[] | null {
  const halves = ip.replace(/%.*$/, "").split("::");
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const groups = [...head, ...Array<string>(Math.max(0, fill)).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => Number.parseInt(g, 16).toString(16));
}

/** 429 for a client that started too many new pages. */
export function rateLimitedResponse(retryAfterSec: number): Response {
  const page = errorPage(
    429,
    "Slow down a little",
    "You have opened many new pages in a short time, and each one is written just for you. " +
      `Pages that already exist are still open to you; new ones again in ${wait(retryAfterSec)}.`,
  );
  return htmlResponse(page, 429, { "retry-after": String(Math.ceil(retryAfterSec)) });
}

/** 503 when every generation slot is taken and the queue is full or waited too long. */
export function busyResponse(retryAfterSec = 10): Response {
  const page = errorPage(
    503,
    "Busy writing other pages",
    "Too many new pages are being written right now. Pages that already exist are still open; " +
      "please try this one again in a moment.",
  );
  return htmlResponse(page, 503, { "retry-after": String(Math.ceil(retryAfterSec)) });
}

function wait(sec: number): string {
  if (sec < 90) return `${Math.ceil(sec)} second${Math.ceil(sec) === 1 ? "" : "s"}`;
  const min = Math.ceil(sec / 60);
  return `${min} minutes`;
}
