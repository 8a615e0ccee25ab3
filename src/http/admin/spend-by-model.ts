// The admin view's split of the ledger by provider and model: a site that moved from Claude to
// a local model (or tried both) sees what each one cost and did.

import type { ModelSpend } from "../../types.ts";
import { escapeHtml } from "../layout.ts";
import { count, usd } from "./format.ts";

export function spendByModel(rows: ModelSpend[]): string {
  if (rows.length === 0) return "";
  const body = rows
    .map(
      (r) => `<tr><td>${escapeHtml(r.provider)}</td><td><code>${escapeHtml(r.model)}</code></td>\
<td class="num">${count(r.attempts)}</td><td class="num">${count(r.inputTokens)}</td>\
<td class="num">${count(r.outputTokens)}</td><td class="num">${usd(r.spentUsd)}</td></tr>`,
    )
    .join("");
  return `<section id="models"><h2>Spend by model</h2><div class="scroll"><table><thead><tr>\
<th>Provider</th><th>Model</th><th class="num">Attempts</th><th class="num">Tokens in</th>\
<th class="num">Tokens out</th><th class="num">Spent</th></tr></thead><tbody>${body}</tbody>\
</table></div></section>`;
}
