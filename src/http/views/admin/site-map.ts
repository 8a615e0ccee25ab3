// The picture of the site: every generated page as a row of a tree, and the links it promised
// but nobody has opened yet (the frontier) as chips under it. Subtree totals show where the
// money went; levels below the first few fold into <details> so hundreds of nodes stay legible.

import { bytes, plural, usd } from "../../../core/format.ts";
import type { SiteNode } from "../../../core/types.ts";
import { type Html, html } from "../html.ts";
import { sameSiteHref } from "../layout.ts";

export interface TreeNode extends SiteNode {
  children: TreeNode[];
  /** This node and everything under it. */
  total: { pages: number; frontier: number; costUsd: number };
}

/** Marks for keys the generator is busy with or whose last attempt failed. */
export interface NodeStates {
  live: Set<string>;
  failed: Set<string>;
}

/**
 * The forest of the site map. A node whose parent is unknown becomes a root; a cycle (which the
 * store should never hold, but a hand-edited database might) is cut rather than followed.
 */
export function buildTree(nodes: SiteNode[]): TreeNode[] {
  const byKey = new Map<string, TreeNode>();
  for (const n of nodes) {
    byKey.set(n.key, { ...n, children: [], total: { pages: 0, frontier: 0, costUsd: 0 } });
  }
  const roots: TreeNode[] = [];
  for (const n of byKey.values()) {
    const parent = n.parent === null ? undefined : byKey.get(n.parent);
    if (parent && parent !== n) parent.children.push(n);
    else roots.push(n);
  }
  const seen = new Set<TreeNode>();
  const visit = (n: TreeNode) => {
    seen.add(n);
    for (const c of n.children) visit(c);
  };
  for (const r of roots) visit(r);
  for (const n of byKey.values()) {
    if (seen.has(n)) continue;
    const parent = byKey.get(n.parent ?? "");
    if (parent) parent.children = parent.children.filter((c) => c !== n);
    roots.push(n);
    visit(n);
  }
  for (const r of roots) sum(r);
  return roots;
}

function sum(n: TreeNode): TreeNode["total"] {
  const t = { pages: n.generated ? 1 : 0, frontier: n.generated ? 0 : 1, costUsd: n.costUsd ?? 0 };
  for (const c of n.children) {
    const s = sum(c);
    t.pages += s.pages;
    t.frontier += s.frontier;
    t.costUsd += s.costUsd;
  }
  n.total = t;
  return t;
}

// How much of the tree shows before anyone clicks: levels open breadth-first while the rows on
// screen stay under this (a chip counts as a fraction of a row), so a small site shows whole
// and a big one shows its top levels, with the deep ones folded.
const ROWS_SHOWN = 60;
const CHIPS_PER_ROW = 5;

function isRow(n: TreeNode): boolean {
  return n.generated || n.children.length > 0;
}

/** The nodes whose <details> start open. */
function openNodes(roots: TreeNode[]): Set<TreeNode> {
  const open = new Set<TreeNode>();
  let shown = roots.length;
  let level = roots;
  while (level.length > 0) {
    const next: TreeNode[] = [];
    for (const n of level) {
      const rows = n.children.filter(isRow);
      const chips = n.children.length - rows.length;
      const cost = rows.length + Math.ceil(chips / CHIPS_PER_ROW);
      // The top of each tree always opens: a map that shows one folded row is no picture.
      if (cost === 0 || (shown + cost > ROWS_SHOWN && !roots.includes(n))) continue;
      open.add(n);
      shown += cost;
      next.push(...rows);
    }
    level = next;
  }
  return open;
}

export function renderSiteMap(nodes: SiteNode[], states: NodeStates): Html {
  if (nodes.length === 0) return html`<p class="empty">No page has been mapped yet.</p>`;
  const roots = buildTree(nodes);
  const open = openNodes(roots);
  const render = (n: TreeNode): Html => {
    const state = stateOf(n, states);
    // A frontier leaf is only a promise: a chip beside its siblings, not a row of its own.
    const rows = n.children.filter(isRow);
    const chips = n.children.filter((c) => !isRow(c));
    if (rows.length === 0 && chips.length === 0) {
      return html`<div class="row" ${attrs(n, state)}>${rowBody(n, state, false)}</div>`;
    }
    const inner = html`${rows.map((c) => html`<li>${render(c)}</li>`)}${
      chips.length ? html`<li>${chipList(chips, states)}</li>` : ""
    }`;
    return html`<details${open.has(n) ? " open" : ""}><summary class="row" ${attrs(n, state)}>\
${rowBody(n, state, true)}</summary><ul>${inner}</ul></details>`;
  };
  const trees = roots.map((r) => html`<li>${render(r)}</li>`);
  return html`<div class="tree scroll"><ul>${trees}</ul></div>`;
}

type State = "generated" | "frontier" | "live" | "failed";

function stateOf(n: SiteNode, states: NodeStates): State {
  if (states.live.has(n.key)) return "live";
  if (n.generated) return "generated";
  return states.failed.has(n.key) ? "failed" : "frontier";
}

const STATE_TITLE: Record<State, string> = {
  generated: "generated",
  frontier: "linked, not written yet",
  live: "being written now",
  failed: "last attempt failed or was refused",
};

function attrs(n: SiteNode, state: State): Html {
  return html`data-key="${n.key}" data-state="${state}" data-depth="${n.depth}"`;
}

function rowBody(n: TreeNode, state: State, folds: boolean): Html {
  const dot = html`<span class="dot ${state}" title="${STATE_TITLE[state]}"></span>`;
  const label = n.key;
  const key = n.generated
    ? html`<a class="key" href="${sameSiteHref(n.key)}" target="_blank" rel="noopener">${label}</a>`
    : html`<span class="key">${label}</span>`;
  const facts = n.generated
    ? html` <span class="tag opt">${bytes(n.bytes)}</span> <span class="tag">${usd(n.costUsd)}</span>`
    : html` <span class="tag">${STATE_TITLE[state]}</span>`;
  const t = n.total;
  const sub = folds
    ? html`<span class="sub" title="this page and everything under it"><b>${usd(t.costUsd)}</b> · \
${plural(t.pages, "page")} · ${plural(t.frontier, "link")} waiting</span>`
    : "";
  return html`<span class="${folds ? "chev" : "gap"}"></span>${dot}${key}\
<span class="tag d" title="depth">d${n.depth}</span>${facts}${sub}`;
}

function chipList(chips: TreeNode[], states: NodeStates): Html {
  const items = chips.map((c) => {
    const state = stateOf(c, states);
    const cls = state === "frontier" ? "chip" : `chip ${state}`;
    return html`<span class="${cls}" ${attrs(c, state)} title="depth ${c.depth} · \
${STATE_TITLE[state]}"><span class="dot ${state}"></span>${c.key}</span>`;
  });
  return html`<div class="chips">${items}</div>`;
}

/** Pages and frontier per depth, as bars: where the site is growing. */
export function renderDepths(nodes: SiteNode[]): Html {
  const rows = new Map<number, { g: number; f: number; cost: number }>();
  for (const n of nodes) {
    const r = rows.get(n.depth) ?? { g: 0, f: 0, cost: 0 };
    if (n.generated) r.g++;
    else r.f++;
    r.cost += n.costUsd ?? 0;
    rows.set(n.depth, r);
  }
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.g + r.f));
  const body = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([depth, r]) => {
      const g = (100 * r.g) / widest;
      const f = (100 * r.f) / widest;
      const bar = html`<svg viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true">\
<rect class="g" width="${g.toFixed(2)}" height="12"/><rect class="f" x="${g.toFixed(2)}" \
width="${f.toFixed(2)}" height="12"/></svg>`;
      return html`<tr><td><span class="tag d">d${depth}</span></td><td class="fill">${bar}</td>\
<td class="num">${r.g}</td><td class="num">${r.f}</td><td class="num">${usd(r.cost)}</td></tr>`;
    });
  return html`<div class="scroll"><table class="depths"><thead><tr><th>Depth</th><th></th>\
<th class="num">Pages</th><th class="num">Frontier</th><th class="num">Cost</th></tr></thead>\
<tbody>${body}</tbody></table></div>`;
}
