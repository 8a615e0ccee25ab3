// The versions of a page in the admin view, and the rollback button, as `rabbithole versions` and
// `rabbithole rollback` offer them on the command line. The dashboard lists every page that has
// kept versions (a purged page included: its versions are how a purge is undone).

import { bytes, usd, when } from "../../../core/format.ts";
import type { KeptSummary, PageVersion } from "../../../store/versions.ts";
import { type Html, html } from "../html.ts";
import { sameSiteHref } from "../layout.ts";
import { type Flash, type FlashCode, flashBanner } from "./login.ts";
import { adminPage } from "./page.ts";

/** At most this many rows on the dashboard: the versions page of any key is one URL away. */
const MAX_KEPT_ROWS = 200;

export function versionsUrl(key: string, done?: FlashCode): string {
  const q = new URLSearchParams(done ? { key, done } : { key });
  return `/__admin/versions?${q}`;
}

/** The dashboard's section: each key with kept versions, linked to its versions page. */
export function keptSection(kept: KeptSummary[]): Html {
  const rows = kept.slice(0, MAX_KEPT_ROWS).map(
    (k) => html`<tr data-key="${k.key}"><td><a class="key" \
href="${versionsUrl(k.key)}">${k.key}</a></td>\
<td class="num">${k.kept}</td><td>${k.current === null ? "purged" : `version ${k.current}`}</td></tr>`,
  );
  const more =
    kept.length > MAX_KEPT_ROWS
      ? html`<p class="hint">And ${kept.length - MAX_KEPT_ROWS} more: open /__admin/versions?key=… for any page.</p>`
      : "";
  const body =
    rows.length > 0
      ? html`<div class="scroll"><table><thead><tr><th>Page</th><th class="num">Kept</th>\
<th>Now</th></tr></thead><tbody>${rows}</tbody></table></div>${more}`
      : html`<p class="empty">No page has been purged or regenerated yet.</p>`;
  return html`<section id="versions"><h2>Kept versions</h2><p class="hint">A purge or a regeneration
keeps the page it replaces. Open a page to roll it back.</p>${body}</section>`;
}

export interface VersionsView {
  key: string;
  versions: PageVersion[];
  csrf: string;
  flash: Flash | null;
}

export function versionsPage(v: VersionsView): string {
  const key = v.key;
  const rows = [...v.versions].reverse().map((p) => versionRow(v.key, p));
  const table = v.versions.length
    ? html`<form method="post" action="/__admin/rollback"><input type="hidden" name="csrf" \
value="${v.csrf}"><input type="hidden" name="key" value="${key}"><div class="scroll"><table>\
<thead><tr><th class="num">Version</th><th>Created</th><th>Model</th><th class="num">Size</th>\
<th class="num">Cost</th><th>State</th><th>Action</th></tr></thead><tbody>${rows}</tbody>\
</table></div></form>`
    : html`<p class="empty">Nothing has been written at this address, and nothing was kept.</p>`;
  return adminPage(
    `Versions of ${v.key} · rabbithole admin`,
    html`<header class="top"><h1>Versions of <code>${key}</code></h1>
<a class="button sm" href="/__admin#versions">Back to the dashboard</a></header>
${flashBanner(v.flash)}
<p class="hint">Rolling back makes a kept version the page every visitor gets, at once; the page
it replaces is kept in turn. <a href="${sameSiteHref(v.key)}" target="_blank" rel="noopener">Open
the page</a></p>
${table}`,
  ).text;
}

function versionRow(key: string, p: PageVersion): Html {
  const state = p.current ? "current" : `replaced ${when(p.replacedAt ?? 0)}`;
  const label = `Roll back ${key} to version ${p.version}`;
  const action = p.current
    ? ""
    : html`<button class="button sm" type="submit" name="version" value="${p.version}" \
aria-label="${label}">Roll back to this</button>`;
  return html`<tr data-version="${p.version}"><td class="num">${p.version}</td>\
<td>${when(p.createdAt)}</td><td>${p.model}</td><td class="num">${bytes(p.bytes)}</td>\
<td class="num">${usd(p.costUsd)}</td><td>${state}</td><td>${action}</td></tr>`;
}
