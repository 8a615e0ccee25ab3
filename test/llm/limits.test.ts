// The server tools' bounds are stated once: the request carries them as the API's limits, and the
// budget prices a call's worst case with them, so a reservation covers what the tools may add.

import { expect, test } from "bun:test";
import { roundCeilingUsd } from "../../src/generate/budget.ts";
import { WEB_TOOLS } from "../../src/llm/anthropic.ts";
import { TOOL_LIMITS } from "../../src/llm/limits.ts";
import { priceOf } from "../fixtures/site.ts";

test("the tools sent to the API are bounded by TOOL_LIMITS", () => {
  expect(WEB_TOOLS).toEqual([
    expect.objectContaining({ name: "web_search", max_uses: TOOL_LIMITS.searches }),
    expect.objectContaining({
      name: "web_fetch",
      max_uses: TOOL_LIMITS.fetches,
      max_content_tokens: TOOL_LIMITS.fetchTokens,
    }),
  ]);
});

test("a call with web tools reserves at least what the bounded tools can add to it", () => {
  const price = priceOf("claude-sonnet-4-6");
  const bare = roundCeilingUsd(price, 4_000, 8_000, false);
  const tools = roundCeilingUsd(price, 4_000, 8_000, true);
  const results =
    TOOL_LIMITS.searches * TOOL_LIMITS.searchTokens + TOOL_LIMITS.fetches * TOOL_LIMITS.fetchTokens;
  const searches = (TOOL_LIMITS.searches * price.webSearchPer1k) / 1000;
  // Each tool use is one more pass over the whole input, tool results included.
  const passes = 1 + TOOL_LIMITS.searches + TOOL_LIMITS.fetches;
  const input = ((4_000 + results) * passes * price.input) / 1_000_000;
  expect(tools - bare).toBeGreaterThanOrEqual(input + searches - (4_000 * price.input) / 1_000_000);
  expect(searches).toBeGreaterThan(0);
});
