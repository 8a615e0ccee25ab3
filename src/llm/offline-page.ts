// The placeholder page the --offline writer streams: the exact output format a model must
// produce, made from the brief alone, deterministic.

import { MAPPINGS_DELIMITER } from "../contract/parse.ts";
import { readUserPrompt } from "../contract/prompt.ts";

export const OFFLINE_BANNER = "Placeholder page — generated offline, no AI involved";

interface Link {
  url: string;
  label: string;
  prompt: string;
}

/** The whole model-format output for a user prompt built by buildUserPrompt. */
export function writeOfflinePage(userPrompt: string): string {
  const input = readUserPrompt(userPrompt) ?? { key: "/", prompt: userPrompt, atLimit: false };
  const { key, prompt: brief } = input;
  const free = brief.replace(FIELD_LINE, "").trim();
  const site = field(brief, "Site") ?? (clip(free, /[.!?;:,\n—]/, 60) || "An offline site");
  const title = key === "/" ? site : titleFromKey(key);
  const lede = clip(free, /[.!?\n]/, 160) || `A page about ${title.toLowerCase()} on ${site}.`;
  const parent = field(brief, "Parent");
  // The homepage's brief describes the site; every later page inherits that description.
  const about = field(brief, "About") ?? clip(free, /\n/, 200);
  const hue = hash(site) % 360;
  const links = input.atLimit ? [] : childLinks({ key, brief, free, site, about, title, hue });
  return `${renderHtml({ key, site, title, lede, brief, parent, hue, links })}
${MAPPINGS_DELIMITER}
${JSON.stringify(links.map(({ url, prompt }) => ({ url, prompt })))}
`;
}

interface ChildInput {
  key: string;
  brief: string;
  free: string;
  site: string;
  about: string;
  title: string;
  hue: number;
}

const FILLERS = ["history", "people", "places", "ideas", "tools", "stories", "maps", "myths"];

function childLinks(c: ChildInput): Link[] {
  const seed = hash(`${c.key}\n${c.brief}`);
  const shuffle = (words: string[]) =>
    words.sort((a, b) => hash(`${seed}${a}`) - hash(`${seed}${b}`));
  // The homepage's title is the site's whole description: its words are the best links there.
  const self = new Set(c.key === "/" ? [] : contentWords(c.title));
  const text = [field(c.brief, "Topic") ?? "", c.free, c.about].flatMap(contentWords);
  const words = [...new Set(text)].filter((w) => !self.has(w));
  // Words of the brief first, so the site stays on its subject; generic ones only pad.
  const picks = [...shuffle(words), ...shuffle(FILLERS.filter((w) => !words.includes(w)))];
  const stem = c.key === "/" ? "" : c.key.replace(/\/$/, "").replace(/\.html$/, "");
  return picks.slice(0, 4 + (seed % 3)).map((word) => {
    const label = word.charAt(0).toUpperCase() + word.slice(1);
    const url = `${stem}/${word}.html`;
    const prompt = [
      `Site: ${c.site}`,
      `About: ${c.about}`,
      `Topic: ${label}`,
      `Parent: ${c.key}`,
      `Page: the page of "${c.site}" about ${label.toLowerCase()} in the context of ` +
        `${c.title}; a clear title, three short sections, then cards linking further.`,
      `Design: light background #fafaf7, text #222, accent colour hsl(${c.hue} 55% 38%), ` +
        "system-ui font, a slim header with the site name on the left, content in a centred " +
        "44rem column opening with a yellow notice banner, links shown as rounded cards.",
      `Navigation: Home (/) and back to "${c.title}" (${c.key}).`,
      "Tone: friendly, plain and informative, for curious general readers.",
    ].join("\n");
    return { url, label, prompt };
  });
}

interface PageInput {
  key: string;
  site: string;
  title: string;
  lede: string;
  brief: string;
  parent: string | undefined;
  hue: number;
  links: Link[];
}

function renderHtml(p: PageInput): string {
  const back = p.parent && p.parent !== "/" ? ` <a href="${esc(p.parent)}">Back</a>` : "";
  const cards = p.links
    .map((l) => `      <li><a href="${esc(l.url)}">${esc(l.label)}</a></li>`)
    .join("\n");
  const explore = p.links.length
    ? `    <h2>Explore further</h2>\n    <ul class="cards">\n${cards}\n    </ul>`
    : "    <p>This is as deep as this site goes: there are no further pages from here.</p>";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title === p.site ? p.site : `${p.title} · ${p.site}`)}</title>
<style>
  :root { --accent: hsl(${p.hue} 55% 38%); --soft: hsl(${p.hue} 60% 95%); }
  * { box-sizing: border-box; }
  body { margin: 0; font: 17px/1.6 system-ui, sans-serif; color: #222; background: #fafaf7; }
  header { display: flex; gap: 1rem; align-items: baseline; padding: .8rem 1.5rem;
    background: var(--accent); }
  header a { color: #fff; text-decoration: none; }
  header .site { font-weight: 700; margin-right: auto; }
  .banner { background: #fff4c2; border: 1px solid #e6d27a; border-radius: .4rem;
    padding: .5rem 1rem; font-size: .9rem; }
  main { max-width: 44rem; margin: 2rem auto; padding: 0 1.5rem; }
  h1 { color: var(--accent); line-height: 1.2; }
  blockquote { margin: 1rem 0; padding: .8rem 1rem; background: var(--soft);
    border-left: 4px solid var(--accent); white-space: pre-wrap; }
  .cards { list-style: none; padding: 0; display: grid; gap: .7rem;
    grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); }
  .cards a { display: block; padding: .8rem 1rem; border: 1px solid var(--accent);
    border-radius: .6rem; color: var(--accent); text-decoration: none; background: #fff; }
  .cards a:hover { background: var(--soft); }
  footer { max-width: 44rem; margin: 3rem auto 2rem; padding: 0 1.5rem; color: #777;
    font-size: .85rem; }
</style>
</head>
<body>
  <header>
    <a class="site" href="/">${esc(p.site)}</a>
    <nav><a href="/">Home</a>${back}</nav>
  </header>
  <main>
    <div class="banner" role="note"><strong>${OFFLINE_BANNER}.</strong>
      This text stands in for what a model would write.</div>
    <h1>${esc(p.title)}</h1>
    <p>${esc(p.lede)}</p>
    <h2>The brief for this page</h2>
    <blockquote>${esc(p.brief.slice(0, 800))}</blockquote>
${explore}
  </main>
  <footer>${esc(p.site)}${p.key === "/" ? "" : ` · ${esc(decodeKey(p.key))}`} · rabbithole's offline generator</footer>
</body>
</html>`;
}

// The labelled lines of the briefs childLinks writes; the rest of a brief is free text.
const FIELD_LINE = /^(Site|About|Topic|Parent|Page|Design|Navigation|Tone): .*$/gm;

/** A "Name: value" line of a brief this generator wrote, so a site keeps its name and parent. */
function field(brief: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.+)$`, "m").exec(brief)?.[1]?.trim();
}

/** The text up to the first `stop`, shortened to `max` characters. */
function clip(text: string, stop: RegExp, max: number): string {
  const end = text.search(stop);
  const phrase = (end === -1 ? text : text.slice(0, end)).trim();
  return phrase.length > max ? `${phrase.slice(0, max - 1).trimEnd()}…` : phrase;
}

function titleFromKey(key: string): string {
  const last = key.split("/").filter(Boolean).at(-1) ?? "";
  const words = decodeKey(last)
    .replace(/\.html?$/, "")
    .replace(/[-_+]+/g, " ")
    .trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "Untitled";
}

const STOP = new Set(
  (
    "about also been could does each from have here into like make more most much only other " +
    "over page site some such than that their them then there these they this those very what " +
    "when where which while will with would your write should homepage website home"
  ).split(" "),
);

function contentWords(text: string): string[] {
  const words = text.toLowerCase().match(/\p{L}[\p{L}\p{N}]{3,19}/gu) ?? [];
  return words.filter((w) => !STOP.has(w));
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

const esc = Bun.escapeHTML;

/** FNV-1a: stable across runs and platforms, which is all that is asked of it here. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
