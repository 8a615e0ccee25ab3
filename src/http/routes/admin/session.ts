// Who is the operator: the token itself (a form or a Bearer header) or a session cookie that
// proves the token was shown. The cookie is a signed expiry, so no session table is needed; its
// key is derived from the token, so changing RABBITHOLE_ADMIN_TOKEN signs every session out.

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const COOKIE = "rabbithole_admin";
export const SESSION_SECONDS = 12 * 60 * 60;
const VERSION = "v1";

/** How a request proved it holds the token; `cookie` is the session value forms are bound to. */
export type Auth = { via: "bearer" } | { via: "cookie"; cookie: string };

export interface Sessions {
  /** Constant-time: both sides are hashed to equal-length digests before comparing. */
  checkToken(given: string): boolean;
  /** A fresh session value, valid for SESSION_SECONDS from `nowMs`. */
  issue(nowMs: number): string;
  /** Whether a cookie value is one we signed and it has not expired. */
  valid(cookie: string, nowMs: number): boolean;
  /** The CSRF token of a session: only a page that could read the dashboard knows it. */
  csrf(cookie: string): string;
  checkCsrf(cookie: string, given: string): boolean;
  /** Signing out: this session is refused from now on, though its cookie is still signed. */
  revoke(cookie: string, nowMs: number): void;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export function createSessions(token: string): Sessions {
  const tokenDigest = sha256(token);
  // A key for signing, not the token itself: nothing we hand out is computed from it directly.
  const key = createHmac("sha256", token).update("rabbithole admin session key").digest();
  const sign = (text: string) => createHmac("sha256", key).update(text).digest("base64url");
  // Revoked sessions until they would have expired anyway: at most one per sign-out in the
  // last SESSION_SECONDS. In memory: a restart forgets them, as it forgets nothing else that
  // matters (rotate the token to sign every session out for good, everywhere).
  const revoked = new Map<string, number>();

  return {
    checkToken: (given) => sameBytes(sha256(given), tokenDigest),
    issue(nowMs) {
      // The nonce makes each sign-in its own session, with its own CSRF token.
      const expiry = Math.floor(nowMs / 1000) + SESSION_SECONDS;
      const payload = `${VERSION}.${expiry}.${randomBytes(12).toString("base64url")}`;
      return `${payload}.${sign(payload)}`;
    },
    valid(cookie, nowMs) {
      const m = /^(v1\.(\d{1,12})\.[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(cookie);
      if (!m) return false;
      const [, payload = "", expiry = "0", mac = ""] = m;
      if (!sameBytes(Buffer.from(mac), Buffer.from(sign(payload)))) return false;
      return Number(expiry) * 1000 > nowMs && !revoked.has(payload);
    },
    revoke(cookie, nowMs) {
      for (const [p, until] of revoked) if (until <= nowMs) revoked.delete(p);
      const m = /^(v1\.(\d{1,12})\.[A-Za-z0-9_-]{16})\./.exec(cookie);
      if (m) revoked.set(m[1] as string, Number(m[2]) * 1000);
    },
    csrf: (cookie) => sign(`csrf.${cookie}`),
    checkCsrf: (cookie, given) =>
      sameBytes(Buffer.from(given), Buffer.from(sign(`csrf.${cookie}`))),
  };
}

/** The value of one cookie in a Cookie header, or null. */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.get("cookie");
  return header ? new Bun.CookieMap(header).get(name) : null;
}

/** Whether the browser reached us over https (directly, or through Fly's TLS proxy). */
export function overHttps(req: Request): boolean {
  const forwarded = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https" || req.url.startsWith("https:");
}

/** Set-Cookie for a session; `null` clears it. Scoped to /__admin and never readable by JS. */
export function sessionCookie(req: Request, value: string | null): string {
  return new Bun.Cookie(COOKIE, value ?? "", {
    path: "/__admin",
    maxAge: value ? SESSION_SECONDS : 0,
    httpOnly: true,
    sameSite: "strict",
    secure: overHttps(req),
  }).serialize();
}

/** The Bearer credential of a script, if it sent one. */
export function bearerToken(req: Request): string | null {
  const m = /^Bearer +(\S+) *$/i.exec(req.headers.get("authorization") ?? "");
  return m?.[1] ?? null;
}
