// The files an export writes beside its pages: the not-written page every missing link leads
// to, sitemap.xml, robots.txt, the manifest of what was exported, and (for an export of one
// subtree) an index.html that opens it at its top.

import { html } from "../http/views/html.ts";
import { jsString, layout } from "../http/views/layout.ts";
import { hrefBetween, MISSING_FILE, urlPathOf } from "./files.ts";

export interface ExportedPage {
  url: string;
  file: string;
  version: number | null;
  model: string;
  createdAt: string;
  costUsd: number;
  bytes: number;
  depth: number;
  parent: string | null;
}

// The text per reason; the page's script picks one from its query (?<reason>=<page>), and
// without a script the first one stands, which is the common case.
const REASONS = {
  "not-written": [
    "This page was never written",
    "had not been written yet when this site was exported. On the live site, the first visitor " +
      "to open it would have had it written.",
  ],
  "outside-export": [
    "This page is not part of this export",
    "exists on the live site, but this export holds only part of it.",
  ],
  unknown: ["There is no page here", "was never promised by any page of the site."],
} as const;

export function missingPage(): string {
  const [title, lead] = REASONS["not-written"];
  const script = `const [reason, page] = [...new URLSearchParams(location.search)][0] ?? [];
const r = Object.hasOwn(REASONS, reason) ? REASONS[reason] : null;
if (r) { document.getElementById("title").textContent = r[0];
  document.getElementById("why").textContent = r[1]; document.title = r[0]; }
if (page) document.getElementById("which").textContent = "The page " + page;
document.getElementById("back").addEventListener("click", (e) => {
  if (history.length > 1) { e.preventDefault(); history.back(); } });`;
  return layout({
    title,
    script: `const REASONS = JSON.parse(${jsString(JSON.stringify(REASONS))});\n${script}`,
    body: html`<p class="eyebrow">Not in this export</p>
<h1 id="title">${title}</h1>
<p class="lead"><span id="which">The page this link leads to</span> <span id="why">${lead}</span></p>
<p class="actions"><a class="button" id="back" href="index.html">Go back</a>
<a class="button primary" href="index.html">Go to the start</a></p>`,
  }).text;
}

/** index.html of an export that does not hold the homepage: it opens at `file`. */
export function entryPage(file: string, key: string): string {
  const href = hrefBetween("index.html", file);
  return layout({
    title: `Exported from ${key}`,
    head: html`\n<meta http-equiv="refresh" content="0; url=${href}">`,
    body: html`<h1>This export starts at <a href="${href}">${key}</a></h1>`,
  }).text;
}

/** Absolute URLs under `siteUrl` (which ends with "/"), or paths relative to the root without. */
export function sitemap(pages: ExportedPage[], siteUrl: string | null): string {
  const urls = pages.map((p) => {
    const loc = `${siteUrl ?? ""}${urlPathOf(p.file)}` || "./";
    return `  <url><loc>${escapeXml(loc)}</loc><lastmod>${p.createdAt.slice(0, 10)}</lastmod></url>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join("\n")}
</urlset>
`;
}

export function robots(siteUrl: string | null): string {
  // robots.txt is read at the host's root only: with a site URL under a path, name that path.
  const prefix = siteUrl ? new URL(siteUrl).pathname : "/";
  const map = siteUrl ? `Sitemap: ${siteUrl}sitemap.xml\n` : "";
  return `# A site grown by rabbithole, exported as static files.
User-agent: *
Disallow: ${prefix}${MISSING_FILE}
${map}`;
}

function escapeXml(text: string): string {
  return Bun.escapeHTML(text).replace(/&#x27;/g, "&apos;");
}
