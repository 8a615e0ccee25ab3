// The dashboard: what the site has cost and holds, what is being written now, the map of the
// site, and every page with its provenance and the two actions an operator may take on it.

import { bytes, count, plural, seconds, usd } from "../../../core/format.ts";
import type { Role } from "../../../core/role.ts";
import type { PageSummary, SiteNode, Stats } from "../../../core/types.ts";
import type { Flight } from "../../../generate/generator.ts";
import type { Bible } from "../../../store/memory.ts";
import type { KeptSummary } from "../../../store/versions.ts";
import { type Html, html } from "../html.ts";
import { hole } from "../layout.ts";
import { type Flash, flashBanner } from "./login.ts";
import { adminPage } from "./page.ts";
import { pagesTable } from "./pages-table.ts";
import { type NodeStates, renderDepths, renderSiteMap } from "./site-map.ts";
import { spendByModel } from "./spend-by-model.ts";
import { keptSection } from "./versions.ts";

export interface DashboardData {
  stats: Stats;
  pages: PageSummary[];
  siteMap: SiteNode[];
  kept: KeptSummary[];
  flights: Flight[];
  states: NodeStates;
  role: Role;
  maxCostUsd: number | null;
  reservedUsd: number;
  now: number;
  csrf: string;
  flash: Flash | null;
  /** Site memory's bible, or null when the site has none (yet, or --memory off). */
  bible: Bible | null;
}

export function dashboard(d: DashboardData): string {
  return adminPage(
    "rabbithole admin",
    html`${header(d)}
${flashBanner(d.flash)}
${cards(d)}
${spendByModel(d.stats.byModel)}
${flights(d)}
<section id="map" aria-labelledby="map-title"><h2 id="map-title">Site map</h2>
<p class="hint">Every page written so far, and the links they promised that nobody has opened
yet. Sums on a row cover the page and everything below it.</p>
<p class="legend"><span><span class="dot generated"></span> generated</span>
<span><span class="dot frontier"></span> frontier (linked, not written)</span>
<span><span class="dot live"></span> being written</span>
<span><span class="dot failed"></span> last attempt failed or refused</span></p>
${renderDepths(d.siteMap)}
<p></p>
${renderSiteMap(d.siteMap, d.states)}
</section>
${pagesTable(d.pages, d.csrf)}
${keptSection(d.kept)}
${bibleSection(d.bible)}`,
  ).text;
}

/** The site bible as the model last wrote it (or the operator set it: rabbithole bible --set). */
function bibleSection(bible: Bible | null): Html {
  const body = bible
    ? html`<p class="hint">Sent with every page written (cached). Written by ${bible.source}; replace it with <code>rabbithole bible --set FILE</code>.</p><pre class="bible">${bible.text}</pre>`
    : html`<p class="hint">None yet: it is written with the homepage, or with the next page of an older site.</p>`;
  return html`<section id="bible" aria-labelledby="bible-title"><h2 id="bible-title">Site bible</h2>${body}</section>`;
}

function header(d: DashboardData): Html {
  const role = d.role.primary
    ? html`<span class="pill primary">primary</span>`
    : html`<span class="pill replica">replica · primary is ${d.role.host || "not connected"}</span>`;
  return html`<header class="top">${hole("mark")}<h1>rabbithole admin</h1>${role}
<a class="button sm" href="/__admin">Refresh</a>
<form method="post" action="/__admin/logout"><input type="hidden" name="csrf" value="${d.csrf}">\
<button class="button sm" type="submit">Sign out</button></form></header>`;
}

function card(label: string, value: string, sub: Html | string = "", cls = "card"): Html {
  const s = sub ? html`<span class="s">${sub}</span>` : "";
  return html`<div class="${cls}"><span class="k">${label}</span><span class="n">${value}</span>\
${s}</div>`;
}

function cards(d: DashboardData): Html {
  const s = d.stats;
  const u = s.usage;
  const tokens = u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
  const searches = u.webSearches ? ` · ${plural(u.webSearches, "search", "searches")}` : "";
  const cache = count(u.cacheReadTokens + u.cacheWriteTokens);
  const tokenDetail = `${count(u.inputTokens)} in · ${count(u.outputTokens)} out · \
${cache} cache${searches}`;
  return html`<section class="cards" aria-label="Totals">
${card("Spend", usd(s.spentUsd), spendDetail(d), "card wide")}
${card("Pages", count(s.pages), "generated and cached")}
${card("Mappings", count(s.mappings), "links with a prompt")}
${card("Frontier", count(s.pendingMappings), "linked, not written")}
${card("Attempts", count(s.attempts), `${count(s.failedAttempts)} failed`)}
${card("Tokens", count(tokens), tokenDetail)}
${card("In flight", count(d.flights.length), "generations now")}
</section>`;
}

function spendDetail(d: DashboardData): Html | string {
  const spent = d.stats.spentUsd;
  if (d.maxCostUsd === null) return `no cap · ${usd(d.reservedUsd)} reserved now`;
  const cap = d.maxCostUsd;
  const share = (x: number) => (cap > 0 ? Math.min(100, (100 * x) / cap) : 100);
  const used = share(spent);
  const held = Math.min(100 - used, share(d.reservedUsd));
  const left = Math.max(0, cap - spent);
  const bar = html`<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" \
aria-label="${used.toFixed(0)}% of the budget spent"><rect class="track" width="100" height="10"/>\
<rect class="${used >= 90 ? "hot" : "spent"}" width="${used.toFixed(2)}" height="10"/>\
<rect class="reserved" x="${used.toFixed(2)}" width="${held.toFixed(2)}" height="10"/></svg>`;
  return html`${bar}${used.toFixed(0)}% of ${usd(cap)} · ${usd(left)} left\
${d.reservedUsd > 0 ? ` · ${usd(d.reservedUsd)} reserved` : ""}`;
}

function flights(d: DashboardData): Html {
  const rows = d.flights.map(
    (f) => html`<tr data-key="${f.key}"><td><code>${f.key}</code></td>\
<td class="num">${seconds(d.now - f.startedAt)}</td>\
<td class="num">${bytes(f.fanout.bytes)}</td></tr>`,
  );
  const body =
    rows.length > 0
      ? html`<div class="scroll"><table><thead><tr><th>Page</th><th class="num">Elapsed</th>\
<th class="num">Streamed</th></tr></thead><tbody>${rows}</tbody></table></div>`
      : html`<p class="empty">Nothing is being written right now.</p>`;
  return html`<section id="flights"><h2>Being written now</h2>${body}</section>`;
}
