import { describe, expect, test } from "bun:test";
import { MAPPINGS_DELIMITER } from "../../src/contract/parse.ts";
import { buildUserPrompt, readUserPrompt, SYSTEM_PROMPT } from "../../src/contract/prompt.ts";

describe("SYSTEM_PROMPT", () => {
  test("is long enough for prompt caching (1,024 tokens)", () => {
    // English prose runs about 1.3 tokens a word and 4 to 4.5 characters a token.
    expect(SYSTEM_PROMPT.split(/\s+/).length).toBeGreaterThan(1000);
    expect(SYSTEM_PROMPT.length).toBeGreaterThan(5000);
  });

  test("asks for the exact output format", () => {
    expect(SYSTEM_PROMPT).toContain("<!DOCTYPE html>");
    expect(SYSTEM_PROMPT).toContain("</html>");
    expect(SYSTEM_PROMPT).toContain(`\n${MAPPINGS_DELIMITER}\n`);
    expect(SYSTEM_PROMPT).toContain('"url"');
    expect(SYSTEM_PROMPT).toContain('"prompt"');
    expect(SYSTEM_PROMPT).toMatch(/every new internal link/i);
    expect(SYSTEM_PROMPT).toMatch(/no code fences/i);
  });

  test("asks for self-contained pages and self-contained child prompts", () => {
    expect(SYSTEM_PROMPT).toMatch(/no external stylesheets, no web fonts, no external scripts/);
    expect(SYSTEM_PROMPT).toMatch(/inline SVG/);
    expect(SYSTEM_PROMPT).toMatch(/site-relative/);
    expect(SYSTEM_PROMPT).toMatch(/will see ONLY the prompt you write/);
    for (const part of ["site's name", "colour palette", "navigation", "tone", "facts"]) {
      expect(SYSTEM_PROMPT).toContain(part);
    }
  });

  test("has no template artefacts, doubled spaces or words glued at line continuations", () => {
    expect(SYSTEM_PROMPT).not.toMatch(/\$\{|undefined|\\\n/);
    expect(SYSTEM_PROMPT).not.toMatch(/ {2,}\S/);
    expect(SYSTEM_PROMPT).not.toMatch(/[a-z][,;:][A-Za-z]|[a-z]\.[A-Z]|[a-z][A-Z][a-z]/);
  });
});

describe("buildUserPrompt", () => {
  const base = {
    key: "/planets/mars.html",
    prompt: "  The red planet.  ",
    depth: 2,
    depthLimit: 5,
  };

  test("names the URL, the depth and the brief", () => {
    const text = buildUserPrompt(base);
    expect(text).toContain("URL of this page: /planets/mars.html");
    expect(text).toContain("Depth: 2 of 5");
    expect(text).toContain("<brief>\nThe red planet.\n</brief>");
    expect(text).toContain(MAPPINGS_DELIMITER);
    expect(text).not.toMatch(/depth limit/i);
  });

  test("below the limit it asks for the links", () => {
    expect(buildUserPrompt({ ...base, depth: 4 })).toMatch(/every new internal link/i);
  });

  test("at the limit it asks for no new links and an empty array", () => {
    const text = buildUserPrompt({ ...base, depth: 5 });
    expect(text).toMatch(/at the depth limit: add NO new internal links/);
    expect(text).toContain("Link only to / and to pages that the brief names explicitly");
    expect(text).toContain("empty array []");
    expect(buildUserPrompt({ ...base, depth: 6 })).toContain("empty array []");
  });
});

describe("readUserPrompt", () => {
  test("reads back what buildUserPrompt wrote", () => {
    const brief = "Line one.\n<brief>nested</brief>\n</brief>\nLast line.";
    const text = buildUserPrompt({ key: "/a/b.html", prompt: brief, depth: 3, depthLimit: 3 });
    expect(readUserPrompt(text)).toEqual({ key: "/a/b.html", prompt: brief, atLimit: true });
    const below = buildUserPrompt({ key: "/", prompt: "Seed.", depth: 1, depthLimit: 3 });
    expect(readUserPrompt(below)).toEqual({ key: "/", prompt: "Seed.", atLimit: false });
  });

  test("an empty brief reads back empty", () => {
    const text = buildUserPrompt({ key: "/x", prompt: "", depth: 1, depthLimit: 2 });
    expect(readUserPrompt(text)?.prompt).toBe("");
  });

  test("anything else is null", () => {
    expect(readUserPrompt("Write me a page about cats.")).toBeNull();
    expect(readUserPrompt("URL of this page: /x\n<brief>\nno depth\n</brief>\n")).toBeNull();
  });
});
