// The model's answers for the site-memory benchmark, sized as Claude writes them, from the
// realistic pages in bench/fixtures: memory off answers a whole document plus long
// self-contained briefs (the original prompt asks 120-300 words each); memory on answers the
// homepage as a document with a bible, and later pages as content only with short briefs.

import { join } from "node:path";

const FIXTURES = join(import.meta.dir, "fixtures");
export const HOME = await Bun.file(join(FIXTURES, "generated-page.html")).text();
export const SIBLING = await Bun.file(join(FIXTURES, "generated-sibling.html")).text();

/** New links per page: the sibling fixture shows about 25 links, ten of them new pages. */
export const LINKS = 10;

const TOPICS = [
  "dust storms",
  "polar caps",
  "Hellas basin",
  "Opportunity",
  "lava tubes",
  "seasons",
  "Valles Marineris",
  "clouds",
  "Jezero crater",
  "Phobos",
  "Tharsis",
  "global storms",
];

export function childKeys(parent: string, n = LINKS): { url: string; title: string }[] {
  const stem = parent === "/" ? "" : parent.replace(/\.html$/, "");
  return TOPICS.slice(0, n).map((t) => ({
    url: `${stem}/${t.toLowerCase().replace(/ /g, "-")}.html`,
    title: t,
  }));
}

/** A brief that carries the whole site, as the original contract must (~230 words). */
function longBrief(title: string, parent: string): string {
  return `The Red Atlas is an illustrated atlas of Mars for curious adults: its geology, its climate, \
and the people and machines that explored it. This page is "${title}". Visual design, to \
reproduce exactly: background sand #f4e9dc, text ink #221a17, accent rust #b5452b with dark rust \
#8a2f1c for links and headings, muted #6f625b, rules #dcc7b3, cards #fffaf4 with a soft shadow \
and 10px radius. Body text in "Source Serif Pro", Georgia, serif at 1.65 line height; the brand, \
navigation and labels in "Helvetica Neue", Arial, sans-serif. Header: a gradient band from \
#3b1d14 through #6e2b19 to #b5452b, the brand "THE RED ATLAS" on the left with ATLAS in #ffc9a8, \
the main menu on the right: Geology /geology/index.html, Climate /climate/index.html, Regions \
/regions/index.html, Missions /missions/index.html, Explorers /people/index.html, Maps \
/maps/index.html. Under it a breadcrumb, then a hero with the h1 and a lede beside an inline SVG \
figure, then a two-column layout with a sticky aside ("On this page", "Related"). Footer: three \
columns (the atlas in one sentence, Sections, About). Tone: warm, precise, a little wry; metric \
units; every number concrete. Content: what ${title} is, how it was found, what it tells us, with \
a fact box, a timeline and four cards linking deeper. It must agree with: Olympus Mons rises \
21.9 km; Mariner 9 arrived in November 1971; Opportunity's last message came on 10 June 2018. \
Link back to ${parent} and to /.`;
}

/** A brief under site memory: the subject and the facts to agree with (~50 words). */
function shortBrief(title: string): string {
  return `What ${title} is and how we know: its discovery, what orbiters and rovers measured, \
and why it matters for future crews. A fact box and a short timeline; four cards to related \
pages. Agree with the canon on Mariner 9 (November 1971) and Opportunity's last message \
(10 June 2018).`;
}

function mappings(parent: string, memory: boolean): string {
  return JSON.stringify(
    childKeys(parent).map((c) =>
      memory
        ? { url: c.url, title: c.title, prompt: shortBrief(c.title) }
        : { url: c.url, prompt: longBrief(c.title, parent) },
    ),
  );
}

const CANON = `---CANON---
- Mariner 9: arrived in Mars orbit on 14 November 1971, during a global dust storm
- Opportunity: last message received 10 June 2018; mission ended February 2019
- Hellas storm of 2001: grew from the Hellas basin to cover the planet in three weeks
- Ada Quill: the atlas's chief cartographer, who drew its storm maps`;

export const BIBLE = `Name: The Red Atlas
Purpose: An illustrated atlas of Mars: its geology, its climate, and the people and machines that \
explored it. Each page explains one place, process or mission with concrete numbers and dates.
Audience: curious adults and older teenagers with no training in planetary science.
Tone: warm, precise, a little wry; metric units; every claim concrete; no hype.
Palette: sand #f4e9dc (background), ink #221a17 (text), rust #b5452b (accent), dark rust #8a2f1c \
(links, headings), muted #6f625b, rule #dcc7b3, card #fffaf4, header gradient #3b1d14 → #6e2b19 → \
#b5452b, highlight #ffc9a8.
Type: text "Source Serif Pro", Georgia, serif at 1.65; brand, navigation, labels and captions \
"Helvetica Neue", Arial, sans-serif.
Navigation: Home /; Geology /geology/index.html; Climate /climate/index.html; Regions \
/regions/index.html; Missions /missions/index.html; Explorers /people/index.html; Maps \
/maps/index.html
Components: .breadcrumb under the header; .hero with the h1, a .lede and an SVG figure; .layout \
two columns with article and aside .panel blocks ("On this page", "Related"); .callout boxes with \
a rust left border; .facts definition grids; .timeline lists with .year labels; .cards of .card \
with .tag, h3, a sentence and a.more "Read more →".
Canon:
- Olympus Mons: 21.9 km above the datum, about 600 km across, caldera 80 km wide
- Valles Marineris: 4,000 km long and up to 7 km deep
- Mariner 9: first spacecraft to orbit Mars, 14 November 1971
- Opportunity: landed January 2004 at Meridiani Planum; last message 10 June 2018
- Curiosity: landed in Gale crater on 6 August 2012
- Perseverance: landed in Jezero crater on 18 February 2021`;

/** Memory off: the whole document, then long briefs. */
export function offAnswer(key: string, html: string): string {
  return `${html.trim()}\n---MAPPINGS---\n${mappings(key, false)}\n`;
}

/** Memory on, the homepage: the document, short briefs, canon, the bible. */
export function onHomeAnswer(): string {
  return `${HOME.trim()}\n---MAPPINGS---\n${mappings("/", true)}\n${CANON}\n---BIBLE---\n${BIBLE}\n`;
}

// A page's own style when the site's covers the rest: a model adds a rule or two.
const PAGE_STYLE = `<style>
  .timeline { list-style: none; padding: 0; border-left: 3px solid var(--rust); }
  .timeline li { margin: 0 0 1rem 1rem; }
  .timeline .year { display: block; font: 700 0.85rem "Helvetica Neue", Arial, sans-serif; color: var(--rust-dark); }
</style>`;

/** Memory on, a later page: title, a little style, the content between header and footer. */
export function onContentAnswer(key: string): string {
  const title = /<title>([^<]*)<\/title>/.exec(SIBLING)?.[1] ?? key;
  const start = SIBLING.indexOf("</header>") + "</header>".length;
  const end = SIBLING.indexOf("<footer");
  const content = SIBLING.slice(start, end).trim();
  return `<title>${title}</title>\n${PAGE_STYLE}\n<main>\n${content}\n</main>\n---MAPPINGS---\n${mappings(key, true)}\n${CANON}\n`;
}
