// --context-tokens as arithmetic, and as the bound site memory's context shrinks into: however
// much the site holds, a page's prompt and its output reserve stay within the window.

import { describe, expect, test } from "bun:test";
import { createPlanner } from "../../src/generate/plan.ts";
import {
  contextRoom,
  MIN_PAGE_TOKENS,
  outputRoom,
  PAGE_OUTPUT_RESERVE,
  promptTokens,
} from "../../src/llm/context.ts";
import { openStore } from "../../src/store/store.ts";
import { seedPage } from "../fixtures/seed.ts";

describe("the arithmetic", () => {
  test("output is capped at what the bound leaves, null below a page's minimum", () => {
    expect(outputRoom(null, 5000, 8192)).toBe(8192);
    expect(outputRoom(16384, 5000, 8192)).toBe(8192);
    expect(outputRoom(8000, 5000, 8192)).toBe(3000);
    expect(outputRoom(5000 + MIN_PAGE_TOKENS, 5000, 8192)).toBe(MIN_PAGE_TOKENS);
    expect(outputRoom(5000 + MIN_PAGE_TOKENS - 1, 5000, 8192)).toBeNull();
  });

  test("context gets the bound less the bare request and the output reserve", () => {
    expect(contextRoom(null, 3000, 8192)).toBe(Number.POSITIVE_INFINITY);
    expect(contextRoom(16384, 3000, 8192)).toBe(16384 - 3000 - PAGE_OUTPUT_RESERVE);
    expect(contextRoom(16384, 3000, 1000)).toBe(16384 - 3000 - 1000);
    expect(contextRoom(6000, 3000, 8192)).toBe(0);
  });
});

describe("site memory's context under a small window", () => {
  test("shrinks so that the prompt and the output reserve fit; vanishes when nothing is left", () => {
    const store = openStore(":memory:");
    try {
      for (let i = 0; i < 60; i++) {
        const key = `/volcano-${i}.html`;
        const text = `Volcano ${i} of Tharsis rises ${i} km above the plain. `.repeat(20);
        seedPage(store, key, {
          html: `<title>Volcano ${i}</title><p>${text}</p>`,
          depth: 2,
          parent: "/",
          memory: { title: `Volcano ${i}`, text, canon: [], bible: null },
        });
      }
      const m = {
        key: "/volcanoes.html",
        prompt: "The volcanoes of Tharsis.",
        depth: 2,
        parent: "/",
      };
      const tokensOf = (windowTokens: number | null) => {
        const plan = createPlanner(store, {
          memory: true,
          depthLimit: 5,
          maxTokens: 8192,
          windowTokens,
        });
        const r = plan(m).request;
        return promptTokens(`${r.system}${r.bible ?? ""}`, [{ content: r.prompt }]);
      };
      const open = tokensOf(null);
      const bare = tokensOf(6000);
      const window = bare + PAGE_OUTPUT_RESERVE + 500;
      const squeezed = tokensOf(window);
      expect(open).toBeGreaterThan(bare + 1000);
      expect(squeezed).toBeGreaterThan(bare);
      expect(squeezed + PAGE_OUTPUT_RESERVE).toBeLessThanOrEqual(window);
      expect(tokensOf(bare + PAGE_OUTPUT_RESERVE)).toBe(bare);
    } finally {
      store.close();
    }
  });
});
