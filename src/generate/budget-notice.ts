// What the operator is told when --max-cost stops new pages. Visitors get the 503 budget page,
// but without a log line an operator whose cap is below a single call's worst case sees a site
// that never grows, $X "left" in `stats`, and no reason why. Said once per stretch of refusals,
// not once per visitor.

import type { Logger } from "../core/types.ts";
import type { Budget } from "./budget.ts";

const usd = (n: number) => `$${n.toFixed(n < 1 ? 4 : 2)}`;

export interface BudgetNoticeOptions {
  maxCostUsd: number;
  maxTokens: number;
  webTools: boolean;
}

export function budgetNotices(logger: Logger, budget: Budget, opts: BudgetNoticeOptions) {
  let told = false;
  const fields = (worstUsd: number) => ({
    maxCostUsd: opts.maxCostUsd,
    spentUsd: budget.spentUsd,
    reservedUsd: budget.reservedUsd,
    leftUsd: budget.leftUsd(),
    worstCaseUsd: worstUsd,
  });
  const advice =
    `raise --max-cost, lower --max-tokens (now ${opts.maxTokens})` +
    (opts.webTools ? " or turn the web tools off (--no-web-tools)" : "");

  return {
    /** At start-up: can even the homepage's first call (the smallest there is) be covered? */
    atStart(worstUsd: number): void {
      if (budget.exhausted()) {
        logger.warn(
          `the budget is spent (${usd(budget.spentUsd)} of --max-cost ${usd(opts.maxCostUsd)}): ` +
            "cached pages are served, new pages get 503",
          fields(worstUsd),
        );
      } else if (worstUsd > (budget.leftUsd() ?? Number.POSITIVE_INFINITY)) {
        logger.warn(
          `--max-cost leaves ${usd(budget.leftUsd() ?? 0)}, less than the worst case of one API ` +
            `call (${usd(worstUsd)}): no new page can be written; ${advice}`,
          fields(worstUsd),
        );
      } else return;
      told = true;
    },
    /** A new page was refused because its first call's worst case did not fit. */
    refused(worstUsd: number): void {
      if (told) return;
      told = true;
      const why = budget.exhausted()
        ? `the budget is spent (${usd(budget.spentUsd)} of --max-cost ${usd(opts.maxCostUsd)})`
        : `${usd(budget.leftUsd() ?? 0)} left of the budget (with ${usd(budget.reservedUsd)} ` +
          `held for calls under way) cannot cover one more call at its worst case ` +
          `(${usd(worstUsd)})`;
      logger.warn(`new pages are refused with 503: ${why}; ${advice}`, fields(worstUsd));
    },
    /** A page was admitted: the next refusal is news again. */
    admitted(): void {
      told = false;
    },
  };
}
