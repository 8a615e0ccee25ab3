import { describe, expect, test } from "bun:test";
import type { Usage } from "../../src/core/types.ts";
import { costOf, DEFAULT_MODEL, PRICE_TABLE, priceFor } from "../../src/llm/prices.ts";

const usage = (u: Partial<Usage>): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  webSearches: 0,
  ...u,
});

describe("priceFor", () => {
  // Anthropic's model pages, read 2026-12-01 (prices.ts PRICES_SOURCE).
  test("knows the current models: input / 5m write / 1h write / cache read / output", () => {
    const listed: [string, number[]][] = [
      ["claude-sonnet-5-5", [2, 2.5, 4, 0.2, 10]],
      ["claude-sonnet-5", [2, 2.5, 4, 0.2, 10]],
      ["claude-opus-5-5", [4, 5, 8, 0.2, 20]],
      ["claude-opus-5", [5, 6.25, 10, 0.5, 25]],
      ["claude-haiku-5-5", [0.1, 0.125, 0.2, 0.01, 0.5]],
      ["claude-sonnet-4-6", [3, 3.75, 6, 0.3, 15]],
      ["claude-haiku-4-5", [1, 1.25, 2, 0.1, 5]],
    ];
    for (const [id, [input, cacheWrite, cacheWrite1h, cacheRead, output]] of listed) {
      expect(priceFor(id)).toMatchObject({ input, cacheWrite, cacheWrite1h, cacheRead, output });
    }
  });

  test("Haiku 5.5 prompts over 100K tokens pay the dearer band on every token", () => {
    const haiku = priceFor("claude-haiku-5-5");
    if (!haiku) throw new Error("no haiku 5.5 price");
    expect(haiku.longPrompt?.price).toMatchObject({
      input: 0.5,
      cacheWrite: 0.625,
      cacheWrite1h: 1,
      cacheRead: 0.05,
      output: 2.5,
    });
    const short = usage({ inputTokens: 100_000, outputTokens: 1e6 });
    expect(costOf(short, haiku)).toBeCloseTo(0.01 + 0.5, 10);
    const long = usage({ inputTokens: 60_000, cacheReadTokens: 40_001, outputTokens: 1e6 });
    expect(costOf(long, haiku)).toBeCloseTo(0.03 + 0.040001 * 0.05 + 2.5, 10);
  });

  test("knows the 4.x families still priced", () => {
    expect(priceFor("claude-sonnet-4-6")).toMatchObject({ input: 3, cacheWrite: 3.75, output: 15 });
    expect(priceFor("claude-sonnet-4-5")?.cacheRead).toBe(0.3);
    expect(priceFor("claude-haiku-4-5")).toMatchObject({ input: 1, cacheRead: 0.1, output: 5 });
    for (const v of ["4-5", "4-6", "4-7", "4-8"]) {
      expect(priceFor(`claude-opus-${v}`)).toMatchObject({
        input: 5,
        cacheWrite: 6.25,
        output: 25,
      });
    }
    expect(priceFor("claude-opus-4-8")?.webSearchPer1k).toBe(10);
  });

  test("accepts dated snapshots of a known alias", () => {
    expect(priceFor("claude-haiku-4-5-20251001")).toBe(priceFor("claude-haiku-4-5"));
    expect(priceFor("claude-sonnet-4-5-20250929")).toBe(priceFor("claude-sonnet-4-5"));
    expect(priceFor("claude-opus-4-5-20251101")).toBe(priceFor("claude-opus-4-5"));
    expect(priceFor("claude-sonnet-4-6@20260101")).toBe(priceFor("claude-sonnet-4-6"));
    expect(priceFor(" Claude-Sonnet-4-6 ")).toBe(priceFor("claude-sonnet-4-6"));
  });

  test("returns null for unknown ids rather than guessing", () => {
    for (const id of [
      "claude-fable-5-1", // not priced here: give --price-input/--price-output
      "claude-opus-4-50",
      "claude-sonnet-4-6-turbo",
      "claude-haiku-4-5-2025",
      "gpt-4o",
      "",
      "constructor",
      "toString",
    ]) {
      expect(priceFor(id)).toBeNull();
    }
  });

  test("the table cannot be changed at run time", () => {
    expect(Object.isFrozen(PRICE_TABLE)).toBe(true);
    expect(Object.isFrozen(PRICE_TABLE["claude-sonnet-4-6"])).toBe(true);
  });
});

describe("DEFAULT_MODEL", () => {
  test("is the current Sonnet, priced", () => {
    expect(DEFAULT_MODEL).toBe("claude-sonnet-5-5");
    expect(DEFAULT_MODEL).toStartWith("claude-sonnet-");
    expect(priceFor(DEFAULT_MODEL)).not.toBeNull();
  });

  test("is not on the SDK's list of deprecated models", async () => {
    const sdkMain = require.resolve("@anthropic-ai/sdk");
    const path = sdkMain.replace(/index\.js$/, "internal/data/deprecated-models.js");
    const list = await Bun.file(path).text();
    expect(list).toContain("'claude-sonnet-4-5'"); // the file is the list we think it is
    expect(list).not.toContain(`'${DEFAULT_MODEL}'`);
  });
});

describe("costOf", () => {
  const sonnet = PRICE_TABLE["claude-sonnet-4-6"];
  if (!sonnet) throw new Error("no sonnet price");

  test("one million tokens of each kind cost the listed price", () => {
    expect(costOf(usage({ inputTokens: 1e6 }), sonnet)).toBeCloseTo(3, 10);
    expect(costOf(usage({ cacheWriteTokens: 1e6 }), sonnet)).toBeCloseTo(3.75, 10);
    expect(costOf(usage({ cacheReadTokens: 1e6 }), sonnet)).toBeCloseTo(0.3, 10);
    expect(costOf(usage({ outputTokens: 1e6 }), sonnet)).toBeCloseTo(15, 10);
  });

  test("web searches cost $10 per 1,000", () => {
    expect(costOf(usage({ webSearches: 1 }), sonnet)).toBeCloseTo(0.01, 10);
    expect(costOf(usage({ webSearches: 1000 }), sonnet)).toBeCloseTo(10, 10);
  });

  test("adds every part of a mixed usage", () => {
    const u = usage({
      inputTokens: 1000,
      outputTokens: 2000,
      cacheWriteTokens: 10_000,
      cacheReadTokens: 100_000,
      webSearches: 3,
    });
    // 1000×3 + 2000×15 + 10000×3.75 + 100000×0.30 = 100,500 µ$ per token-million, + 3 × $0.01
    expect(costOf(u, sonnet)).toBeCloseTo(0.1005 + 0.03, 10);
    const haiku = priceFor("claude-haiku-4-5");
    if (!haiku) throw new Error("no haiku price");
    expect(costOf(u, haiku)).toBeCloseTo((1000 + 10_000 + 12_500 + 10_000) / 1e6 + 0.03, 10);
  });

  test("no usage costs nothing", () => {
    expect(costOf(usage({}), sonnet)).toBe(0);
  });
});
