// The --offline writer under site memory answers the memory prompt as a model must: parsed by
// the real answer parser, a homepage document with a bible the operator's checks accept, content
// pages that keep the site's name, titled briefs, canon, and no links at the depth limit.

import { describe, expect, test } from "bun:test";
import { bibleFields, bibleProblem } from "../../src/contract/bible.ts";
import { parseMemoryAnswer } from "../../src/contract/memory-answer.ts";
import { buildMemoryPrompt, type MemoryPromptInput } from "../../src/contract/memory-prompt.ts";
import { buildUserPrompt } from "../../src/contract/prompt.ts";
import { writeOfflineMemoryPage } from "../../src/llm/offline-memory.ts";
import { writeOfflinePage } from "../../src/llm/offline-page.ts";

const prompt = (o: Partial<MemoryPromptInput> = {}) =>
  buildMemoryPrompt({
    key: "/",
    prompt: "A field guide to the moths of a small valley.",
    depth: 1,
    depthLimit: 3,
    layout: "document",
    title: "",
    context: "",
    wantBible: true,
    ...o,
  });
const parse = (
  text: string,
  o: Partial<MemoryPromptInput> & {
    layout: "content" | "document";
    key: string;
    atLimit?: boolean;
  },
) =>
  parseMemoryAnswer(text, {
    layout: o.layout,
    allowMappings: !o.atLimit,
    base: o.key,
    title: o.title ?? "",
  });

/** hsl → #rrggbb by the CSS Color 4 chroma formula (not the writer's). */
function hex(h: number, s: number, l: number): string {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const [r, g, b] =
    h < 60
      ? [c, x, 0]
      : h < 120
        ? [x, c, 0]
        : h < 180
          ? [0, c, x]
          : h < 240
            ? [0, x, c]
            : h < 300
              ? [x, 0, c]
              : [c, 0, x];
  const m = l - c / 2;
  return `#${[r, g, b]
    .map((v) =>
      Math.round((v + m) * 255)
        .toString(16)
        .padStart(2, "0"),
    )
    .join("")}`;
}

describe("writeOfflineMemoryPage", () => {
  test("the homepage: a whole document, titled briefs for its links, canon, and a bible that passes the checks", () => {
    const a = parse(writeOfflineMemoryPage(prompt()), { layout: "document", key: "/" });
    expect(a.html).toStartWith("<!DOCTYPE html>");
    expect(a.mappings.length).toBeGreaterThan(0);
    for (const m of a.mappings) {
      expect(m.title).toBeTruthy();
      expect(m.prompt).toStartWith(`${m.title}: the page of `);
      expect(a.html).toContain(`href="${m.url}">${m.title}<`);
    }
    expect(a.bible).not.toBeNull();
    expect(bibleProblem(a.bible ?? "")).toBeNull();
    const fields = bibleFields(a.bible ?? "");
    expect(fields.get("Purpose")).toBe("A field guide to the moths of a small valley.");
    // The palette names the accent the page draws, in hex.
    const hue = Number(/--accent: hsl\((\d+)/.exec(a.html ?? "")?.[1]);
    expect(fields.get("Palette")).toContain(`accent ${hex(hue, 0.55, 0.38)}`);
    expect(a.canon.map((c) => c.subject)).toContain(fields.get("Name") as string);
  });

  test("a later page: content in the site's shell layout, under the bible's name, with its canon line", () => {
    const bible =
      "# The site bible\n\nName: The Red Atlas\nPurpose: Maps of Mars\nNavigation: Home /";
    const p = prompt({
      key: "/craters.html",
      depth: 2,
      layout: "content",
      title: "Craters",
      wantBible: false,
      prompt: "The craters of Mars.",
    });
    const text = writeOfflineMemoryPage(p, bible);
    const a = parse(text, { layout: "content", key: "/craters.html", title: "Craters" });
    // The placeholder writer keeps the bible's site name in the page's title.
    expect(a.content?.title).toBe("Craters · The Red Atlas");
    expect(a.content?.main).toStartWith("<main");
    expect(a.bible).toBeNull();
    expect(a.canon).toEqual([
      expect.objectContaining({
        subject: "Craters",
        fact: expect.stringContaining("a page of The Red Atlas at /craters.html"),
      }),
    ]);
    for (const m of a.mappings) expect(m.prompt).toContain("the page of The Red Atlas about");
  });

  test("at the depth limit it promises no new page", () => {
    const p = prompt({
      key: "/deep.html",
      depth: 3,
      layout: "content",
      title: "Deep",
      wantBible: false,
    });
    const a = parse(writeOfflineMemoryPage(p), {
      layout: "content",
      key: "/deep.html",
      title: "Deep",
      atLimit: false,
    });
    expect(a.mappings).toEqual([]);
  });

  test("a prompt without site memory gets the plain offline page", () => {
    const legacy = buildUserPrompt({ key: "/a.html", prompt: "Moths.", depth: 2, depthLimit: 3 });
    expect(writeOfflineMemoryPage(legacy)).toBe(writeOfflinePage(legacy));
  });
});
