// A generation's page text across its rounds: thinking dropped only for models that think in
// their text, a continuation joined at a seam, and what a round held back released at its end.

import { describe, expect, test } from "bun:test";
import { PageText } from "../../src/llm/page-text.ts";

/** Feeds rounds of chunks; returns the page text and what onText saw. */
function write(thinks: boolean, rounds: string[][], userTurnBefore: number[] = []) {
  const seen: string[] = [];
  const t = new PageText((d) => seen.push(d), thinks);
  rounds.forEach((chunks, i) => {
    if (userTurnBefore.includes(i)) t.continueAfterUserTurn();
    const raw = t.startRound();
    for (const c of chunks) raw(c);
    t.endRound();
  });
  return { text: t.text, seen };
}

const DOC = "<!DOCTYPE html><html><body><p>Moths</p></body></html>";

describe("PageText", () => {
  test("a model that keeps its thinking apart (Claude): <think> in the text is page text", () => {
    const { text, seen } = write(false, [
      ["<!DOCTYPE html><p>About the <think>", "</think> tag</p>"],
    ]);
    expect(text).toBe("<!DOCTYPE html><p>About the <think></think> tag</p>");
    expect(seen).toEqual(["<!DOCTYPE html><p>About the <think>", "</think> tag</p>"]);
  });

  test("a model that thinks in its text: the block is dropped, whatever the chunks split", () => {
    const { text, seen } = write(true, [
      [
        "<thi",
        "nk>I will write <!DOCTYPE html> now</th",
        "ink>\n\n",
        DOC.slice(0, 20),
        DOC.slice(20),
      ],
    ]);
    expect(text).toBe(DOC);
    expect(seen.join("")).toBe(DOC);
    expect(seen).not.toContain("");
  });

  test("thinking closed but never opened (the template opened it): all before it is dropped", () => {
    expect(write(true, [["planning the page…</think>", DOC]]).text).toBe(DOC);
  });

  test("and the next round of that model is held until its own </think>", () => {
    const first = "<!DOCTYPE html><html><body><p>Mo";
    const { text } = write(true, [
      ["plan</think>", first],
      ["more planning, with <p> in it</think>", "ths</p></body></html>"],
    ]);
    expect(text).toBe(`${first}ths</p></body></html>`);
  });

  test("a round that never shows a page start is released at its end, not lost", () => {
    const { text, seen } = write(true, [["just words, no markup"]]);
    expect(text).toBe("just words, no markup");
    expect(seen).toEqual(["just words, no markup"]);
  });

  test("after a user turn the continuation's repeat of the page's end is not written twice", () => {
    const first = "<!DOCTYPE html><html><body><p>The moths of the valley are";
    const again = "<p>The moths of the valley are brown.</p></body></html>";
    for (const thinks of [false, true]) {
      const { text, seen } = write(thinks, [[first], [again]], [1]);
      expect(text).toBe(`${first} brown.</p></body></html>`);
      expect(seen.join("")).toBe(text);
    }
  });

  test("a continuation the seam still holds when its round ends is page text, not lost", () => {
    const first = "<!DOCTYPE html><html><body><p>The moths of the valley are";
    // "<p>The moths" may be the start of a repeat of the last line: held, then it ended there.
    const { text, seen } = write(false, [[first], ["<p>The moths"]], [1]);
    expect(text).toBe(`${first}<p>The moths`);
    expect(seen.join("")).toBe(text);
  });

  test("without a user turn a round is appended as it comes (a pause_turn resumes mid-text)", () => {
    const { text } = write(false, [["<!DOCTYPE html><p>ab"], ["<p>ab cd</p>"]]);
    expect(text).toBe("<!DOCTYPE html><p>ab<p>ab cd</p>");
  });
});
