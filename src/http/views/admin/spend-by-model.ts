// The admin view's split of the ledger by provider and model: a site that moved from Claude to
// a local model (or tried both) sees what each one cost and did.

import { count, usd } from "../../../core/format.ts";
import type { ModelSpend } from "../../../core/types.ts";
import { type Html, html } from "../html.ts";

export function spendByModel(rows: ModelSpend[]): Html | string {
  if (rows.length === 0) return "";
  const body = rows.map(
    (r) => html`<tr><td>${r.provider}</td><td><code>${r.model}</code></td>\
<td class="num">${count(r.attempts)}</td><td class="num">${count(r.inputTokens)}</td>\
<td class="num">${count(r.outputTokens)}</td><td class="num">${usd(r.spentUsd)}</td></tr>`,
  );
  return html`<section id="models"><h2>Spend by model</h2><div class="scroll"><table><thead><tr>\
<th>Provider</th><th>Model</th><th class="num">Attempts</th><th class="num">Tokens in</th>\
<th class="num">Tokens out</th><th class="num">Spent</th></tr></thead><tbody>${body}</tbody>\
</table></div></section>`;
}
