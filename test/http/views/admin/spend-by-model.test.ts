// The ledger split by provider and model (http/views/admin/spend-by-model.ts).

import { expect, test } from "bun:test";
import { spendByModel } from "../../../../src/http/views/admin/spend-by-model.ts";

test("no ledger rows, no section", () => {
  expect(spendByModel([])).toBe("");
});

test("one row per provider and model, in the order given, values escaped", () => {
  const text = String(
    spendByModel([
      {
        provider: "anthropic",
        model: "claude-<x>",
        attempts: 12_345,
        inputTokens: 9,
        outputTokens: 8,
        spentUsd: 1.5,
      },
      {
        provider: "openai",
        model: "gpt-4o",
        attempts: 1,
        inputTokens: 0,
        outputTokens: 0,
        spentUsd: 0,
      },
    ]),
  );
  expect(text).toStartWith('<section id="models"><h2>Spend by model</h2>');
  expect(text.match(/<tr><td>/g)).toHaveLength(2);
  expect(text).toContain("<td><code>claude-&lt;x&gt;</code></td>");
  expect(text).toContain('<td class="num">12.3K</td>');
  expect(text).toContain('<td class="num">$1.50</td>');
  expect(text.indexOf("anthropic")).toBeLessThan(text.indexOf("openai"));
});
