// A local model's thinking out of the page text, streamed: every case is fed whole and in every
// chunk size, so that no split of a tag changes what comes out.

import { describe, expect, test } from "bun:test";
import { ThinkFilter, type ThinkHold } from "../../src/llm/think-filter.ts";

const DOC = "<!DOCTYPE html>\n<html><body><p>Mars</p></body></html>\n---MAPPINGS---\n[]";
const ROUND_ONE: ThinkHold = { lead: true, closesAlone: false };
const LATER: ThinkHold = { lead: false, closesAlone: false };

/** What the filter passes on for `text` cut into `size`-character chunks. */
function filtered(text: string, size: number, how: ThinkHold = ROUND_ONE) {
  const f = new ThinkFilter(how);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(f.push(text.slice(i, i + size)));
  out.push(f.end());
  return { text: out.join(""), closedAlone: f.closedAlone, pieces: out };
}

/** The same result for every chunk size from 1 to the whole text. */
function expectEverySplit(text: string, expected: string, how: ThinkHold = ROUND_ONE) {
  for (let size = 1; size <= text.length; size++) {
    expect({ size, text: filtered(text, size, how).text }).toEqual({ size, text: expected });
  }
}

describe("thinking before the page", () => {
  test("a whole block goes, even one that writes a doctype, and the blank lines after it", () => {
    expectEverySplit(`<think>\nI will write <!DOCTYPE html> and <html>.\n</think>\n\n${DOC}`, DOC);
    expectEverySplit(`  <THINK>plan</Think>${DOC}`, `  ${DOC}`);
  });

  test("only the closing tag (the template opened it): everything before it goes", () => {
    expectEverySplit(`Okay, the visitor wants a page.\n</think>\n\n${DOC}`, DOC);
    expect(filtered(`plan</think>${DOC}`, 4).closedAlone).toBe(true);
  });

  test("no thinking at all: the text is unchanged, a preamble included", () => {
    expectEverySplit(`Here is the page:\n${DOC}`, `Here is the page:\n${DOC}`);
    expect(filtered(DOC, 7).closedAlone).toBe(false);
  });

  test("the lead is held until the document starts, then passed on as it streams", () => {
    const f = new ThinkFilter(ROUND_ONE);
    expect(f.push("Here is the page: ")).toBe("");
    expect(f.push("<!DOCTYPE html><html><body>")).toBe(
      "Here is the page: <!DOCTYPE html><html><body>",
    );
    expect(f.push("<p>hi")).toBe("<p>hi");
    // A `<` could start a tag: held for the next chunk only.
    expect(f.push("</p><")).toBe("</p>");
    expect(f.push("/body>")).toBe("</body>");
  });

  test("under site memory the lead is held until the content starts, not until the end", () => {
    const f = new ThinkFilter(ROUND_ONE);
    expect(f.push("Okay.\n")).toBe("");
    expect(f.push("<title>Mars</title>\n<main><p>hi")).toBe(
      "Okay.\n<title>Mars</title>\n<main><p>hi",
    );
    expect(f.push("</p></main>")).toBe("</p></main>");
    const content = "<title>Mars</title>\n<main><p>Mars</p></main>\n---MAPPINGS---\n[]";
    expectEverySplit(`Planning.\n</think>\n\n${content}`, content);
  });

  test("an answer with no document is passed on at the end, an unclosed block dropped", () => {
    expectEverySplit("I cannot write that page.", "I cannot write that page.");
    expectEverySplit(`${DOC}<think>never closed`, DOC);
  });
});

describe("thinking after the page has started", () => {
  test("whole blocks are removed wherever they are; a stray closing tag alone is dropped", () => {
    expectEverySplit("<p>a <think>aside</think> b</p>", "<p>a b</p>", LATER);
    expectEverySplit("<p>a</think>b</p>", "<p>ab</p>", LATER);
  });

  test("a continuation of a model that closes unopened thinking is held until it closes", () => {
    const how = { lead: false, closesAlone: true };
    expectEverySplit("Going on from the cut.\n</think>\n<p>rest</p>", "<p>rest</p>", how);
    // No thinking this time: all of it, at the end of the round.
    const f = filtered("<p>rest</p>", 3, how);
    expect(f.text).toBe("<p>rest</p>");
    expect(f.pieces.slice(0, -1).join("")).toBe("");
  });
});
