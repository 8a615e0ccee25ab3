// Every cached page with its provenance, and the buttons that purge or regenerate it. One form
// holds them all: each button names its page and its action, so one CSRF field serves the table.

import { bytes, usd, when } from "../../../core/format.ts";
import type { PageSummary } from "../../../core/types.ts";
import { type Html, html } from "../html.ts";
import { sameSiteHref } from "../layout.ts";

// Columns marked "opt" give way on a phone, so that the page and its buttons stay on screen.
const HEAD = html`<thead><tr><th>Page</th><th class="num opt">Depth</th><th class="opt">Parent</th>\
<th class="opt">Model</th><th class="num opt">Size</th><th class="num">Cost</th>\
<th class="opt">Created</th><th>Actions</th></tr></thead>`;

function button(kind: "purge" | "regenerate", key: string): Html {
  const label = kind === "purge" ? "Purge" : "Regenerate";
  return html`<button class="button sm${kind === "purge" ? " danger" : ""}" type="submit" \
formaction="/__admin/${kind}" name="key" value="${key}" aria-label="${label} ${key}">${label}</button>`;
}

function row(p: PageSummary): Html {
  const key = p.key;
  const parent = p.parent === null ? "–" : html`<code>${p.parent}</code>`;
  return html`<tr data-key="${key}"><td><a class="key" href="${sameSiteHref(p.key)}" \
target="_blank" rel="noopener">${key}</a></td><td class="num opt">${p.depth}</td>\
<td class="opt">${parent}</td><td class="opt">${p.model}</td>\
<td class="num opt">${bytes(p.bytes)}</td><td class="num">${usd(p.costUsd)}</td>\
<td class="opt">${when(p.createdAt)}</td>\
<td><div class="acts">${button("purge", p.key)}${button("regenerate", p.key)}</div></td></tr>`;
}

export function pagesTable(pages: PageSummary[], csrf: string): Html {
  // Newest first: what a crawler or a visitor has just made the site spend is what one watches.
  const sorted = [...pages].sort(
    (a, b) => b.createdAt - a.createdAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const table = sorted.length
    ? html`<form method="post" action="/__admin/purge"><input type="hidden" name="csrf" \
value="${csrf}"><div class="scroll"><table>${HEAD}<tbody>${sorted.map(row)}</tbody>\
</table></div></form>`
    : html`<p class="empty">No page has been generated yet.</p>`;
  return html`<section id="pages"><h2>Pages</h2><p class="hint">Purge drops a cached page; its next
visitor has it written again. Regenerate rewrites it now, and spends money. Either keeps the page
it replaces (Kept versions, below).</p>${table}</section>`;
}
