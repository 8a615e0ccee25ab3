// The one token estimator: site context is sized and a --context-tokens window checked with it.

import { describe, expect, test } from "bun:test";
import { clipTokens, tokensOf } from "../../src/core/text.ts";

describe("tokensOf", () => {
  test("counts UTF-8 bytes, 3 a token, from above", () => {
    expect(tokensOf("")).toBe(0);
    expect(tokensOf("abc")).toBe(1);
    expect(tokensOf("abcd")).toBe(2);
  });

  test("CJK text is not undercounted: one character is about one token", () => {
    const chinese = "火星的火山".repeat(20); // 100 characters, 300 bytes
    expect(tokensOf(chinese)).toBe(100);
  });
});

describe("clipTokens", () => {
  test("text within the bound is returned as it is", () => {
    expect(clipTokens("a short line", 10)).toBe("a short line");
  });

  test("longer text is cut at a word boundary, with an ellipsis, within the bound", () => {
    const text = "the volcanoes of Tharsis rise above the plains ".repeat(10);
    const clipped = clipTokens(text, 20);
    expect(clipped.endsWith("…")).toBe(true);
    expect(tokensOf(clipped)).toBeLessThanOrEqual(20);
    expect(text.startsWith(clipped.slice(0, -1))).toBe(true);
    expect(clipped.at(-2)).not.toBe(" ");
  });

  test("multi-byte text is cut on whole characters and stays within the bound", () => {
    const chinese = "火星的火山".repeat(40);
    const clipped = clipTokens(chinese, 30);
    expect(tokensOf(clipped)).toBeLessThanOrEqual(30);
    expect(clipped.isWellFormed()).toBe(true);
    expect(chinese.startsWith(clipped.slice(0, -1))).toBe(true);
  });
});
