// The pieces of site memory on their own: the content stream filter (fed piece by piece), the
// answer parser, the bible's checks, the context's bound.

import { describe, expect, test } from "bun:test";
import { bibleCanon, bibleProblem } from "../../src/contract/bible.ts";
import { parseMemoryAnswer } from "../../src/contract/memory-answer.ts";
import { createContentFilter } from "../../src/contract/memory-filter.ts";
import { tokensOf } from "../../src/core/text.ts";
import { buildContext } from "../../src/generate/context.ts";
import { openStore } from "../../src/store/store.ts";
import { BIBLE } from "../fixtures/memory-site.ts";
import { seedPage } from "../fixtures/seed.ts";

function stream(text: string, size: number) {
  const f = createContentFilter("PREFIX");
  let out = "";
  for (let i = 0; i < text.length; i += size) out += f.push(text.slice(i, i + size));
  return { out, f };
}

describe("content filter", () => {
  const answer =
    'Here you go:\n```html\n<title>Mars</title>\n<style>.x{}</style>\n<main><h1>Mars</h1><p>a > b</p></main>\n```\n---MAPPINGS---\n[{"url":"/a.html","prompt":"p"}]\n---CANON---\n- A: b';
  for (const size of [1, 3, 7, 64, 10_000]) {
    test(`no preamble, no title, no fence, never the blocks (${size}-character pieces)`, () => {
      const { out, f } = stream(answer, size);
      // Whitespace after the dropped title may arrive in a later piece: harmless.
      expect(out.trimStart()).toBe("<style>.x{}</style>\n<main><h1>Mars</h1><p>a > b</p></main>");
      expect(f.text).toBe(`PREFIX${out}`);
      expect(f.streamedContent).toBe(true);
    });
  }
  test("a whole document streams nothing live (its content is sent once parsed)", () => {
    const { out, f } = stream("<!DOCTYPE html>\n<html><body><main>x</main></body></html>", 5);
    expect(out).toBe("");
    expect(f.streamedContent).toBe(false);
  });
});

describe("memory answer", () => {
  const opts = { layout: "content" as const, allowMappings: true, base: "/x.html", title: "X" };
  test("content, mappings with titles, canon and bible blocks", () => {
    const a = parseMemoryAnswer(
      `<title>T &amp; U</title>\n<main>m</main>\n---MAPPINGS---\n[{"url":"/y.html","title":"Why","prompt":"p"}]\n---CANON---\n- Ada: born 2001\n---BIBLE---\n${BIBLE}`,
      opts,
    );
    expect(a.content).toEqual({ title: "T & U", style: "", main: "<main>m</main>" });
    expect(a.mappings).toEqual([{ url: "/y.html", title: "Why", prompt: "p" }]);
    expect(a.bible).toBe(BIBLE);
    expect(a.canon.map((c) => c.subject)).toEqual(["Olympus Mons", "Ada Quill", "Ada"]);
  });
  test("an unclosed main is no page; no main at all is wrapped", () => {
    expect(parseMemoryAnswer("<main><p>cut", opts).content).toBeNull();
    expect(parseMemoryAnswer("<section>s</section>\n---MAPPINGS---\n[]", opts).content?.main).toBe(
      "<main>\n<section>s</section>\n</main>",
    );
  });
  test("mappings are dropped at the depth limit", () => {
    const a = parseMemoryAnswer(
      '<main>m</main>\n---MAPPINGS---\n[{"url":"/y.html","prompt":"p"}]',
      {
        ...opts,
        allowMappings: false,
      },
    );
    expect(a.mappings).toEqual([]);
  });
});

describe("bible checks (bible --set)", () => {
  test("the fixture's bible passes and its canon is read", () => {
    expect(bibleProblem(BIBLE)).toBeNull();
    expect(bibleCanon(BIBLE)).toHaveLength(2);
  });
  test("each problem names the bad value", () => {
    expect(bibleProblem("")).toBe("is empty");
    expect(bibleProblem("Navigation: Home /")).toContain('no "Name:" line');
    expect(bibleProblem(BIBLE.replace("#b5452b", "#b5452"))).toBe(
      'Palette value "#b5452" is not a hex colour (#rgb or #rrggbb)',
    );
    expect(bibleProblem(BIBLE.replace("Geology /geology.html", "Geology geology.html"))).toContain(
      'Navigation entry "Geology geology.html" needs a site-relative path',
    );
    expect(bibleProblem(`Name: x\nNavigation: Home /\n${"y".repeat(40_000)}`)).toContain("KiB");
  });
});

describe("context", () => {
  test("stays within its token budget however much the site holds", () => {
    const store = openStore(":memory:");
    try {
      for (let i = 0; i < 200; i++) {
        const key = `/volcano-${i}.html`;
        const text =
          `Volcano ${i} of Tharsis rises ${i} km; its lava flows are ${i * 3} km long. `.repeat(20);
        seedPage(store, key, {
          html: `<title>Volcano ${i}</title><p>${text}</p>`,
          depth: 2,
          parent: "/",
          memory: {
            title: `Volcano ${i}`,
            text,
            canon: [{ subject: `Volcano ${i}`, fact: `rises ${i} km above Tharsis` }],
            bible: null,
          },
        });
      }
      const m = {
        key: "/volcanoes.html",
        prompt: "The volcanoes of Tharsis.",
        depth: 2,
        parent: "/",
        title: "Volcanoes",
      };
      for (const budget of [300, 1000, 2000, 6000]) {
        const ctx = buildContext(store, m, budget);
        expect(tokensOf(ctx)).toBeLessThanOrEqual(budget);
        expect(ctx).toContain("Volcano");
      }
      expect(buildContext(store, m, 2000)).toContain("Passages of earlier pages");
    } finally {
      store.close();
    }
  });
});
