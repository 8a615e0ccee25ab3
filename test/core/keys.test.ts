import { describe, expect, test } from "bun:test";
import { HttpError } from "../../src/core/errors.ts";
import { isSystemKey, MAX_KEY_BYTES, normalizeKey, normalizeLinkUrl } from "../../src/core/keys.ts";

function statusOf(fn: () => unknown): number | null {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof HttpError) return e.status;
    throw e;
  }
}

describe("normalizeKey", () => {
  test.each([
    ["/", "/"],
    ["/planets/mars.html", "/planets/mars.html"],
    // percent-encoding: unreserved decoded, hex uppercased, non-ASCII encoded as UTF-8
    ["/%41%62c", "/Abc"],
    ["/%7e/~", "/~/~"],
    ["/caf%c3%a9", "/caf%C3%A9"],
    ["/caf%C3%A9", "/caf%C3%A9"],
    ["/café", "/caf%C3%A9"],
    ["/日本", "/%E6%97%A5%E6%9C%AC"],
    ["/a%5bb%5D", "/a%5Bb%5D"],
    ["/a b", "/a%20b"],
    ["/a%20b", "/a%20b"],
    ['/a"b<c>', "/a%22b%3Cc%3E"],
    ["/a|b^c", "/a%7Cb%5Ec"],
    ["/100%25", "/100%25"],
    ["/q%3Fx%23y", "/q%3Fx%23y"],
    // sub-delims, ":" and "@" are literal in a segment
    ["/c%2B%2B", "/c++"],
    ["/c++", "/c++"],
    ["/a%3Ab%40c%21", "/a:b@c!"],
    // empty segments collapse
    ["//a///b", "/a/b"],
    ["//", "/"],
    ["/a//", "/a/"],
    // dot-segments, literal and encoded, never above the root
    ["/a/./b", "/a/b"],
    ["/a/b/../c", "/a/c"],
    ["/a/b/..", "/a/"],
    ["/a/.", "/a/"],
    ["/a/..", "/"],
    ["/../../x", "/x"],
    ["/..", "/"],
    ["/a/%2e%2E/b", "/b"],
    ["/%2e/x", "/x"],
    ["/a/.b/..c", "/a/.b/..c"],
    // index.html
    ["/index.html", "/"],
    ["/%69ndex.html", "/"],
    ["/docs/index.html", "/docs/"],
    ["/docs/index.html/x", "/docs/index.html/x"],
    ["/Index.html", "/Index.html"],
    ["/docs/../index.html", "/"],
    // trailing slash and case are significant
    ["/docs/", "/docs/"],
    ["/Docs", "/Docs"],
    // encoded slash stays data
    ["/a%2fb", "/a%2Fb"],
    ["/a%2Fb/c", "/a%2Fb/c"],
    // backslash is a separator, as browsers treat it in http URLs; encoded it is data
    ["\\a\\b", "/a/b"],
    ["/a%5Cb", "/a%5Cb"],
    // query and fragment are dropped defensively
    ["/a?x=1", "/a"],
    ["/a#frag", "/a"],
    ["/a?x#y", "/a"],
    ["/?x", "/"],
    ["", "/"],
  ])("%p -> %p", (input, key) => {
    expect(normalizeKey(input)).toBe(key);
  });

  test("is idempotent", () => {
    for (const p of ["/caf%c3%a9", "/a b/%2f/", "/x/../y/index.html", "/c%2b+", "/%E2%82%AC?"]) {
      const once = normalizeKey(p);
      expect(normalizeKey(once)).toBe(once);
    }
  });

  test.each([
    ["/%"],
    ["/%4"],
    ["/%zz"],
    ["/a%g0"],
    ["/%00"],
    ["/a\0b"],
    ["/a%0Ab"],
    ["/a\nb"],
    ["/%7F"],
    ["/%C2%85"],
    ["/%c3"],
    ["/%ff"],
    ["/%C0%AF"],
    ["/%ED%A0%80"],
    ["/a\ud800"],
    ["/..%2f..%2fetc"],
    ["/a/%2E%2E%5Cwin"],
    ["/x%2F.%2Fy"],
    ["a/b"],
    ["*"],
  ])("%p is a 400", (input) => {
    expect(statusOf(() => normalizeKey(input))).toBe(400);
  });

  test("the 1024-byte limit gives 414", () => {
    const at = `/${"a".repeat(MAX_KEY_BYTES - 1)}`;
    expect(normalizeKey(at)).toBe(at);
    expect(statusOf(() => normalizeKey(`${at}b`))).toBe(414);
  });

  test("the limit counts bytes, not characters", () => {
    // 1 + 512 * 2 = 1025 UTF-8 bytes in 513 characters
    expect(statusOf(() => normalizeKey(`/${"é".repeat(512)}`))).toBe(414);
    // each é is %C3%A9 (6 bytes) in the key: 1 + 170 * 6 = 1021 fits, 1 + 171 * 6 does not
    expect(normalizeKey(`/${"é".repeat(170)}`)).toHaveLength(1021);
    expect(statusOf(() => normalizeKey(`/${"é".repeat(171)}`))).toBe(414);
    expect(statusOf(() => normalizeKey(`/${"%C3%A9".repeat(171)}`))).toBe(414);
  });

  test("the limit applies to the path as sent, even when its key is short", () => {
    expect(statusOf(() => normalizeKey(`/${"%41".repeat(400)}`))).toBe(414);
    expect(statusOf(() => normalizeKey("/".repeat(1025)))).toBe(414);
    expect(normalizeKey("/".repeat(1024))).toBe("/");
    // 1,001 characters but 1,101 bytes as sent; its key would be only 901 bytes
    const mixed = `/${"%41".repeat(300)}${"é".repeat(100)}`;
    expect(statusOf(() => normalizeKey(mixed))).toBe(414);
  });

  test("the limit is checked on the path without its query", () => {
    expect(normalizeKey(`/a?${"q".repeat(2000)}`)).toBe("/a");
  });
});

describe("normalizeLinkUrl", () => {
  test.each([
    ["/planets/mars.html", undefined, "/planets/mars.html"],
    ["/planets/mars.html?x=1#top", undefined, "/planets/mars.html"],
    ["/Planets//Caf%c3%a9.html", undefined, "/Planets/Caf%C3%A9.html"],
    ["/café.html", undefined, "/caf%C3%A9.html"],
    ["/a/../b", undefined, "/b"],
    ["/index.html", undefined, "/"],
    ["  /spaced  ", undefined, "/spaced"],
    ["/a\n/b", undefined, "/a/b"],
    ["\\win\\path", undefined, "/win/path"],
    ["mars.html", "/planets/", "/planets/mars.html"],
    ["mars.html", "/planets/earth.html", "/planets/mars.html"],
    ["../moons/io.html", "/planets/jupiter/index.html", "/planets/moons/io.html"],
    ["../../../x", "/a/b", "/x"],
    ["./", "/a/b.html", "/a/"],
    ["#section", "/a/b.html", "/a/b.html"],
    ["?q=1", "/a/b.html", "/a/b.html"],
  ])("%p (base %p) -> %p", (url, base, key) => {
    expect(normalizeLinkUrl(url, base)).toBe(key);
  });

  test.each([
    ["https://example.com/x"],
    ["http://example.com/"],
    ["HTTPS://example.com/"],
    ["//example.com/x"],
    ["\\\\example.com\\x"],
    ["/\\example.com/x"],
    ["mailto:someone@example.com"],
    ["javascript:alert(1)"],
    ["JavaScript:alert(1)"],
    [" javascript:alert(1)"],
    ["java\nscript:alert(1)"],
    ["data:text/html,<p>hi</p>"],
    ["tel:+123"],
    ["ftp://example.com/"],
    ["http://rabbithole.invalid/x"],
    [""],
    ["   "],
    ["/__ready"],
    ["/__health?x"],
    ["/__"],
    ["/%5F%5Fready"],
    ["/x/../__ready"],
    ["/100%"],
    ["/%00"],
    [`/${"a".repeat(MAX_KEY_BYTES)}`],
  ])("%p -> null", (url) => {
    expect(normalizeLinkUrl(url, "/a/b.html")).toBeNull();
  });

  test("relative links need a base", () => {
    expect(normalizeLinkUrl("mars.html")).toBeNull();
    expect(normalizeLinkUrl("../mars.html")).toBeNull();
    expect(normalizeLinkUrl("#top")).toBeNull();
  });

  test("a link and the request a browser makes for it give the same key", () => {
    for (const href of ["/Café Olé.html", "/a|b/[c]", "/x/./y/../z", "/π/%CF%80"]) {
      const requested = new URL(href, "http://visitor.test/").pathname;
      expect(normalizeLinkUrl(href)).toBe(normalizeKey(requested));
    }
  });
});

test("isSystemKey", () => {
  expect(isSystemKey("/__ready")).toBe(true);
  expect(isSystemKey("/__")).toBe(true);
  expect(isSystemKey("/_x")).toBe(false);
  expect(isSystemKey("/a/__b")).toBe(false);
});
