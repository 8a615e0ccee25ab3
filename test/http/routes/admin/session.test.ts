// Who is the operator (http/routes/admin/session.ts): the token checked, sessions signed with a
// key derived from it, expiring and revocable, a CSRF token per session, and the cookie's
// attributes.

import { describe, expect, test } from "bun:test";
import {
  bearerToken,
  COOKIE,
  createSessions,
  overHttps,
  readCookie,
  SESSION_SECONDS,
  sessionCookie,
} from "../../../../src/http/routes/admin/session.ts";

const TOKEN = "correct-horse-battery-staple";
const NOW = 1_700_000_000_000;
const req = (headers: Record<string, string> = {}, url = "http://site.test/__admin") =>
  new Request(url, { headers });

describe("sessions", () => {
  test("the token is checked exactly", () => {
    const s = createSessions(TOKEN);
    expect(s.checkToken(TOKEN)).toBe(true);
    for (const wrong of ["", `${TOKEN} `, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
      expect(s.checkToken(wrong)).toBe(false);
    }
  });

  test("an issued session is valid until SESSION_SECONDS have passed, not after", () => {
    const s = createSessions(TOKEN);
    const cookie = s.issue(NOW);
    expect(cookie).not.toContain(TOKEN);
    expect(s.valid(cookie, NOW)).toBe(true);
    expect(s.valid(cookie, NOW + SESSION_SECONDS * 1000 - 1000)).toBe(true);
    expect(s.valid(cookie, NOW + SESSION_SECONDS * 1000)).toBe(false);
  });

  test("a forged, altered or other token's session is refused", () => {
    const s = createSessions(TOKEN);
    const cookie = s.issue(NOW);
    const [v, expiry, nonce, mac] = cookie.split(".") as [string, string, string, string];
    const later = `${v}.${Number(expiry) + 3600}.${nonce}.${mac}`;
    expect(s.valid(later, NOW)).toBe(false);
    const flipped = `${v}.${expiry}.${nonce}.${mac.startsWith("A") ? "B" : "A"}${mac.slice(1)}`;
    expect(s.valid(flipped, NOW)).toBe(false);
    expect(s.valid("", NOW)).toBe(false);
    expect(s.valid(`${cookie}x`, NOW)).toBe(false);
    // Rotating the token signs every session out.
    expect(createSessions(`${TOKEN}2`).valid(cookie, NOW)).toBe(false);
  });

  test("each sign-in is its own session, with its own CSRF token", () => {
    const s = createSessions(TOKEN);
    const a = s.issue(NOW);
    const b = s.issue(NOW);
    expect(a).not.toBe(b);
    expect(s.csrf(a)).not.toBe(s.csrf(b));
    expect(s.checkCsrf(a, s.csrf(a))).toBe(true);
    expect(s.checkCsrf(a, s.csrf(b))).toBe(false);
    expect(s.checkCsrf(a, "")).toBe(false);
  });

  test("signing out revokes that session only", () => {
    const s = createSessions(TOKEN);
    const a = s.issue(NOW);
    const b = s.issue(NOW);
    s.revoke(a, NOW + 1000);
    expect(s.valid(a, NOW + 2000)).toBe(false);
    expect(s.valid(b, NOW + 2000)).toBe(true);
    // Revoking a malformed value harms nothing.
    s.revoke("garbage", NOW);
    expect(s.valid(b, NOW + 2000)).toBe(true);
  });
});

describe("the cookie and the credentials", () => {
  test("readCookie finds one cookie among others, or null", () => {
    const r = req({ cookie: `a=1; ${COOKIE}=v1.abc; b=2` });
    expect(readCookie(r, COOKIE)).toBe("v1.abc");
    expect(readCookie(r, "missing")).toBeNull();
    expect(readCookie(req(), COOKIE)).toBeNull();
  });

  test("https directly or through Fly's proxy (its first hop), else not", () => {
    expect(overHttps(req({}, "https://site.test/__admin"))).toBe(true);
    expect(overHttps(req({ "x-forwarded-proto": "HTTPS, http" }))).toBe(true);
    expect(overHttps(req({ "x-forwarded-proto": "http, https" }))).toBe(false);
    expect(overHttps(req())).toBe(false);
  });

  test("the session cookie: /__admin only, HttpOnly, SameSite=Strict, Secure over https", () => {
    const set = sessionCookie(req({ "x-forwarded-proto": "https" }), "value");
    expect(set).toStartWith(`${COOKIE}=value`);
    expect(set).toContain("Path=/__admin");
    expect(set).toContain(`Max-Age=${SESSION_SECONDS}`);
    expect(set).toContain("HttpOnly");
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).toContain("Secure");
    expect(sessionCookie(req(), "value")).not.toContain("Secure");
    // Signing out clears it.
    const cleared = sessionCookie(req(), null);
    expect(cleared).toStartWith(`${COOKIE}=;`);
    expect(cleared).toContain("Max-Age=0");
  });

  test("a Bearer credential, in any case of the word, one token only", () => {
    expect(bearerToken(req({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    expect(bearerToken(req({ authorization: `bearer   ${TOKEN}` }))).toBe(TOKEN);
    expect(bearerToken(req({ authorization: `Basic ${TOKEN}` }))).toBeNull();
    expect(bearerToken(req({ authorization: "Bearer a b" }))).toBeNull();
    expect(bearerToken(req())).toBeNull();
  });
});
