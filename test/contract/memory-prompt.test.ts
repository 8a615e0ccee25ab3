// What the model is told under site memory: the user prompt's layout (read back by the offline
// writer), the depth limit, the bible request, the context block, and the system prompt naming
// the very delimiters the answer parser splits on.

import { describe, expect, test } from "bun:test";
import { BIBLE_DELIMITER, CANON_DELIMITER } from "../../src/contract/memory-answer.ts";
import {
  bibleBlock,
  buildMemoryPrompt,
  MEMORY_SYSTEM_PROMPT,
  type MemoryPromptInput,
  readMemoryPrompt,
} from "../../src/contract/memory-prompt.ts";
import { MAPPINGS_DELIMITER } from "../../src/contract/parse.ts";
import { buildUserPrompt } from "../../src/contract/prompt.ts";

const input = (o: Partial<MemoryPromptInput> = {}): MemoryPromptInput => ({
  key: "/moths/luna.html",
  prompt: "  The luna moth: its wings, its week-long life.  \n",
  depth: 2,
  depthLimit: 5,
  layout: "content",
  title: "Luna moth",
  context: "",
  wantBible: false,
  ...o,
});

describe("buildMemoryPrompt", () => {
  test("names the page, its depth, layout and link words, and the brief trimmed", () => {
    const p = buildMemoryPrompt(input());
    expect(p.split("\n").slice(0, 9)).toEqual([
      "URL of this page: /moths/luna.html",
      "Depth: 2 of 5 (the homepage is depth 1)",
      "Layout: content",
      "Link title: Luna moth",
      "",
      "The brief for this page:",
      "<brief>",
      "The luna moth: its wings, its week-long life.",
      "</brief>",
    ]);
    expect(p).toContain("Write the content layout: <title>, optional <style>, <main>.");
    expect(p).not.toContain("<context>");
    expect(p).toEndWith(`Write the page now, then ${MAPPINGS_DELIMITER} and the JSON array.`);
  });

  test("the context block only when there is context", () => {
    expect(buildMemoryPrompt(input({ context: "Parent: /moths/" }))).toContain(
      "\n\n<context>\nParent: /moths/\n</context>\n",
    );
  });

  test("at the depth limit: no new links; below it: list them", () => {
    expect(buildMemoryPrompt(input({ depth: 5 }))).toContain("add NO new internal links");
    expect(buildMemoryPrompt(input({ depth: 6 }))).toContain("add NO new internal links");
    expect(buildMemoryPrompt(input({ depth: 4 }))).toContain("List every new internal link");
  });

  test("a site without a bible asks for one; with one, for the canon block", () => {
    expect(buildMemoryPrompt(input({ wantBible: true, layout: "document" }))).toContain(
      `end your answer with ${BIBLE_DELIMITER} and the site bible`,
    );
    expect(buildMemoryPrompt(input())).toContain("Add the canon block");
  });
});

describe("readMemoryPrompt", () => {
  test("reads back what buildMemoryPrompt wrote", () => {
    expect(readMemoryPrompt(buildMemoryPrompt(input()))).toEqual({
      layout: "content",
      title: "Luna moth",
      wantBible: false,
    });
    expect(
      readMemoryPrompt(
        buildMemoryPrompt(input({ layout: "document", title: "", wantBible: true })),
      ),
    ).toEqual({
      layout: "document",
      title: "",
      wantBible: true,
    });
  });

  test("a prompt without site memory is not one (null)", () => {
    const legacy = buildUserPrompt({
      key: "/a.html",
      prompt: "Layout: sideways",
      depth: 1,
      depthLimit: 5,
    });
    expect(readMemoryPrompt(legacy)).toBeNull();
    expect(readMemoryPrompt("Layout: poster")).toBeNull();
  });

  test("a brief that quotes the bible request does not make the reader think it was asked for", () => {
    const p = buildMemoryPrompt(input({ prompt: "The bible of moths" }));
    expect(readMemoryPrompt(p)?.wantBible).toBe(false);
  });
});

test("the system prompt names the delimiters the answer is split on; the bible block is its cached end", () => {
  for (const d of [MAPPINGS_DELIMITER, CANON_DELIMITER, BIBLE_DELIMITER])
    expect(MEMORY_SYSTEM_PROMPT).toContain(d);
  expect(bibleBlock("\n  Name: The Red Atlas\n")).toBe("# The site bible\n\nName: The Red Atlas");
});
