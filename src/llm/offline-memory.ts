// The --offline writer under site memory: the same contract a model follows (a document for the
// homepage, content for later pages, short briefs with titles, canon, the bible when asked), so
// the whole flow runs without a key. It reuses the placeholder pages of llm/offline.ts.

import { bibleFields } from "../contract/bible.ts";
import { BIBLE_DELIMITER, CANON_DELIMITER } from "../contract/memory-answer.ts";
import { readMemoryPrompt } from "../contract/memory-prompt.ts";
import { MAPPINGS_DELIMITER, parseOutput } from "../contract/parse.ts";
import { buildUserPrompt, readUserPrompt } from "../contract/prompt.ts";
import { contentOfDocument } from "../contract/shell.ts";
import { titleOf } from "../core/text.ts";
import { writeOfflinePage } from "./offline-page.ts";

/** The answer to a prompt built by buildMemoryPrompt, with the site's bible if it has one. */
export function writeOfflineMemoryPage(userPrompt: string, bible?: string): string {
  const mem = readMemoryPrompt(userPrompt);
  const base = readUserPrompt(userPrompt);
  if (!mem || !base) return writeOfflinePage(userPrompt);
  const [, depth = "1", limit = "5"] = /^Depth: (\d+) of (\d+)/m.exec(userPrompt) ?? [];
  const fields = bibleFields(bible?.replace(/^# The site bible\s*/, "") ?? "");
  const site = fields.get("Name");
  // The placeholder writer keeps a site's name and description through these brief fields.
  const brief = site
    ? `Site: ${site}\nAbout: ${fields.get("Purpose") ?? site}\n${base.prompt}`
    : base.prompt;
  const legacy = buildUserPrompt({
    key: base.key,
    prompt: brief,
    depth: Number(depth),
    depthLimit: Number(limit),
  });
  const parsed = parseOutput(writeOfflinePage(legacy), {
    allowMappings: !base.atLimit,
    base: base.key,
  });
  const html = parsed.html as string;
  const name = site ?? titleOf(html) ?? "An offline site";
  const mappings = parsed.mappings.map((c) => {
    const label =
      new RegExp(`href="${c.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}">([^<]+)<`).exec(
        html,
      )?.[1] ?? c.url;
    return {
      url: c.url,
      title: label,
      prompt: `${label}: the page of ${name} about ${label.toLowerCase()}.`,
    };
  });
  let page = html;
  if (mem.layout === "content") {
    // The placeholder notice is the first thing in <main>, on the homepage as on the others.
    const c = contentOfDocument(html, mem.title);
    page = `<title>${c.title}</title>\n${c.main}`;
  }
  const title = base.key === "/" ? name : mem.title || base.key;
  const parts = [
    page,
    MAPPINGS_DELIMITER,
    JSON.stringify(mappings),
    CANON_DELIMITER,
    `- ${title}: a page of ${name} at ${base.key}, written offline`,
  ];
  if (mem.wantBible) parts.push(BIBLE_DELIMITER, offlineBible(name, html, base.prompt));
  return `${parts.join("\n")}\n`;
}

function offlineBible(name: string, html: string, brief: string): string {
  // The placeholder pages draw their accent as hsl(h 55% 38%): the bible names it in hex.
  const hue = Number(/--accent: hsl\((\d+)/.exec(html)?.[1] ?? 0);
  return [
    `Name: ${name}`,
    `Purpose: ${brief.split("\n")[0]?.slice(0, 300) ?? name}`,
    "Audience: curious general readers",
    "Tone: friendly, plain and informative",
    `Palette: background #fafaf7, text #222222, accent ${hslHex(hue, 0.55, 0.38)}`,
    "Type: system-ui, sans-serif for everything",
    "Navigation: Home /",
    "Components: a yellow notice banner opening the main content; links to further pages as rounded cards (ul.cards)",
    "Canon:",
    `- ${name}: a placeholder site written by rabbithole's offline generator`,
  ].join("\n");
}

function hslHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
