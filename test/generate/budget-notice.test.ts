// What the operator is told when --max-cost stops new pages: at start-up when even the first
// call cannot be covered, and once per stretch of refusals, with the figures and the way out.

import { describe, expect, test } from "bun:test";
import { createBudget } from "../../src/generate/budget.ts";
import { budgetNotices } from "../../src/generate/budget-notice.ts";
import { memoryLogger } from "../fixtures/site.ts";

function notices(maxCostUsd: number, spentUsd: number, webTools = false) {
  const logger = memoryLogger();
  const budget = createBudget(maxCostUsd, () => spentUsd);
  const n = budgetNotices(logger, budget, { maxCostUsd, maxTokens: 8000, webTools });
  const warned = () => logger.lines.filter((l) => l.level === "warn").map((l) => l.args);
  return { n, budget, warned };
}

describe("at start-up", () => {
  test("a spent budget says so: cached pages served, new ones 503", () => {
    const { n, warned } = notices(0.25, 0.25);
    n.atStart(0.1);
    expect(warned()).toEqual([
      [
        "the budget is spent ($0.2500 of --max-cost $0.2500): cached pages are served, new pages get 503",
        { maxCostUsd: 0.25, spentUsd: 0.25, reservedUsd: 0, leftUsd: 0, worstCaseUsd: 0.1 },
      ],
    ]);
  });

  test("a cap below one call's worst case: no page can be written, and what to change", () => {
    const { n, warned } = notices(2, 1.5, true);
    n.atStart(3.25);
    expect(warned()[0]?.[0]).toBe(
      "--max-cost leaves $0.5000, less than the worst case of one API call ($3.25): no new page " +
        "can be written; raise --max-cost, lower --max-tokens (now 8000) or turn the web tools off (--no-web-tools)",
    );
  });

  test("a budget that covers the first call says nothing, and the first refusal is still news", () => {
    const { n, warned } = notices(2, 0);
    n.atStart(0.5);
    expect(warned()).toEqual([]);
    n.refused(0.5);
    expect(warned()).toHaveLength(1);
  });
});

describe("refusals", () => {
  test("told once per stretch; an admitted page makes the next refusal news again", () => {
    const { n, warned } = notices(1, 0);
    n.refused(2);
    n.refused(2);
    expect(warned()).toHaveLength(1);
    expect(warned()[0]?.[0]).toBe(
      "new pages are refused with 503: $1.00 left of the budget (with $0.0000 held for calls under " +
        "way) cannot cover one more call at its worst case ($2.00); raise --max-cost, lower --max-tokens (now 8000)",
    );
    n.admitted();
    n.refused(2);
    expect(warned()).toHaveLength(2);
  });

  test("a refusal counts what is held for calls under way", () => {
    const { n, budget, warned } = notices(1, 0.25);
    budget.reserve(0.5);
    n.refused(0.5);
    expect(warned()[0]?.[0]).toContain(
      "$0.2500 left of the budget (with $0.5000 held for calls under way)",
    );
    expect(warned()[0]?.[1]).toMatchObject({ spentUsd: 0.25, reservedUsd: 0.5, leftUsd: 0.25 });
  });

  test("after a start-up warning, the first refusal is not said again; a spent budget says spent", () => {
    const { n, warned } = notices(0.25, 0.25);
    n.atStart(0.1);
    n.refused(0.1);
    expect(warned()).toHaveLength(1);
    n.admitted();
    n.refused(0.1);
    expect(warned()[1]?.[0]).toStartWith(
      "new pages are refused with 503: the budget is spent ($0.2500 of --max-cost $0.2500);",
    );
  });
});
