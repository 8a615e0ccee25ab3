// Numbers as operators read them (core/format.ts), shared by the admin view and the CLI.

import { describe, expect, test } from "bun:test";
import { bytes, count, plural, seconds, usd, when, whole } from "../../src/core/format.ts";

describe("format", () => {
  test("money: cents for sums, four digits under a cent, always four on the command line", () => {
    expect(usd(null)).toBe("–");
    expect(usd(0)).toBe("$0");
    expect(usd(0.0042)).toBe("$0.0042");
    expect(usd(1.5)).toBe("$1.50");
    expect(usd(1234.5)).toBe("$1,234.50");
    expect(usd(0, true)).toBe("$0.0000");
    expect(usd(5, true)).toBe("$5.0000");
  });

  test("sizes in decimal units", () => {
    expect(bytes(null)).toBe("–");
    expect(bytes(999)).toBe("999 B");
    expect(bytes(12_345)).toBe("12.3 kB");
    expect(bytes(4_560_000)).toBe("4.6 MB");
  });

  test("counts, in full or at a glance", () => {
    expect(whole(1_234_567)).toBe("1,234,567");
    expect(count(9_999)).toBe("9,999");
    expect(count(12_345)).toBe("12.3K");
    expect(plural(1, "page")).toBe("1 page");
    expect(plural(2, "search", "searches")).toBe("2 searches");
  });

  test("times", () => {
    expect(seconds(1234)).toBe("1.2 s");
    expect(seconds(-5)).toBe("0.0 s");
    expect(when(Date.UTC(2026, 11, 1, 9, 30, 59))).toBe("2026-12-01 09:30 UTC");
  });
});
