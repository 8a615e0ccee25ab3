// The seam between a page and its continuation, fed the way a stream feeds it: piece by piece.

import { describe, expect, test } from "bun:test";
import { Seam } from "../../src/llm/seam.ts";

const PAGE = "<!DOCTYPE html><html><body><h1>Mars</h1><p>Two moons: Phobos and De";

/** Feeds `continuation` in `size`-character pieces; returns what went out after each piece. */
function feed(page: string, continuation: string, size = 3) {
  const seam = new Seam(page);
  const out: string[] = [];
  for (let i = 0; i < continuation.length; i += size) {
    out.push(seam.push(continuation.slice(i, i + size)));
  }
  out.push(seam.end());
  return { joined: page + out.join(""), out };
}

describe("Seam", () => {
  test.each([
    ["goes straight on", "imos.</p></body></html>"],
    ["repeats the last word", "Deimos.</p></body></html>"],
    ["repeats the last line", "<p>Two moons: Phobos and Deimos.</p></body></html>"],
    ["fences its answer", "```html\nimos.</p></body></html>"],
    [
      "says what it does first",
      "Here is the rest of the page:\n<p>Two moons: Phobos and Deimos.</p></body></html>",
    ],
    ["starts the page again", `\`\`\`html\n${PAGE}imos.</p></body></html>`],
  ])("a continuation that %s makes one clean document", (_, continuation) => {
    expect(feed(PAGE, continuation).joined).toBe(`${PAGE}imos.</p></body></html>`);
  });

  test("a short match inside a word is taken for chance and kept", () => {
    expect(feed("<p>a bo", "ok</p>").joined).toBe("<p>a book</p>");
    expect(feed("<p>bana", "na</p>").joined).toBe("<p>banana</p>");
    expect(feed("<p>aa", "a</p>").joined).toBe("<p>aaa</p>");
  });

  test("text that cannot be a repeat goes out at once, not at the end", () => {
    const { out } = feed(PAGE, "imos, the smaller, orbits further out.</p>", 5);
    expect(out[0]).toBe("imos,");
  });

  test("a long first line that only starts like a preamble is not held to the end", () => {
    const line = `continuous ${"x".repeat(200)}`;
    const { out } = feed("<p>", line, 10);
    expect(out.slice(0, -1).join("").length).toBeGreaterThan(0);
    expect(out.join("")).toBe(line);
  });
});
