import { describe, expect, test } from "bun:test";
import { createHtmlFilter } from "../../src/contract/html-filter.ts";
import { parseOutput } from "../../src/contract/parse.ts";

/** Feeds `text` in pieces of `size` characters; returns every piece released, joined. */
function stream(text: string, size: number): string {
  const f = createHtmlFilter();
  let out = "";
  for (let i = 0; i < text.length; i += size) out += f.push(text.slice(i, i + size));
  return out;
}

const DOC = '<!DOCTYPE html>\n<html><body><h1>Mars</h1><a href="/x">x</a></body></html>';
const MAPS = '\n---MAPPINGS---\n[{"url":"/x","prompt":"secret brief"}]';

describe("html filter", () => {
  for (const size of [1, 3, 7, 64, 10_000]) {
    test(`releases exactly the document, in chunks of ${size}`, () => {
      expect(stream(`Sure! Here is the page:\n\`\`\`html\n${DOC}\n\`\`\`${MAPS}`, size)).toBe(DOC);
      expect(stream(DOC + MAPS, size)).toBe(DOC);
      expect(stream(`${DOC}\n`, size)).toBe(DOC);
    });
  }

  test("text before the document start is never released", () => {
    const f = createHtmlFilter();
    expect(f.push("Here is ")).toBe("");
    expect(f.push("your page <ht")).toBe("");
    expect(f.push("ml lang=en>")).toBe("<html lang=en>");
  });

  test("html after an inner </html> is released once a later </html> proves it is page text", () => {
    const tricky = '<html><script>var s="</html>";</script><p>more</p></html>';
    expect(stream(tricky + MAPS, 5)).toBe(tricky);
  });

  test("a possible delimiter start is held back, then dropped", () => {
    const f = createHtmlFilter();
    expect(f.push("<html><p>a</p></html>\n---MAPP")).toBe("<html><p>a</p></html>");
    expect(f.push("INGS---\n[]")).toBe("");
    expect(f.push("<p>late</p></html>")).toBe("");
  });

  test("the delimiter inside the document (before any </html>) is page text, as in the parser", () => {
    const doc = "<html><p>The format uses ---MAPPINGS--- as a separator.</p></html>";
    expect(stream(doc + MAPS, 4)).toBe(doc);
  });

  test("dashes that turn out not to be the delimiter are released", () => {
    const f = createHtmlFilter();
    expect(f.push("<html><p>a ---")).toBe("<html><p>a ");
    expect(f.push(" b</p>")).toBe("--- b</p>");
  });

  test("the mappings never leak, whatever the chunking", () => {
    for (let size = 1; size < 40; size++) expect(stream(DOC + MAPS, size)).not.toContain("secret");
  });
});

describe("html filter and parser agree", () => {
  const samples = [
    DOC + MAPS,
    `Sure.\n\`\`\`html\n${DOC}\n\`\`\`\n${MAPS}`,
    `${DOC}\n\n\`\`\`json${MAPS}\n\`\`\``,
    `<!doctype html><HTML><body>x</body></HTML>${MAPS}`,
    `${DOC}\nsome chatter after the page`,
    "<html><p>The format uses ---MAPPINGS--- as a separator.</p></html>",
    // A preamble naming the bare tag mid-sentence: neither it nor the fence may reach the page.
    `I'll write the <html> page now.\n\`\`\`html\n${DOC}\n\`\`\`${MAPS}`,
    `Here's your <html> page:\n\`\`\`html\n<html lang="en"><body>x</body></html>\n\`\`\`${MAPS}`,
    `Here's your <html> page:\n  <HTML>\n<body>x</body></HTML>${MAPS}`,
  ];
  for (const [i, sample] of samples.entries()) {
    test(`sample ${i}: what streams is what is stored`, () => {
      const stored = parseOutput(sample, { allowMappings: true, base: "/" }).html;
      expect(stored).not.toBeNull();
      for (const size of [1, 5, 16, 1000]) expect(stream(sample, size)).toBe(stored as string);
    });
  }
});

test("a bare <html> mid-sentence with no better start streams nothing: the stored page is served", () => {
  const sample = `Here: <html><body>x</body></html>${MAPS}`;
  expect(parseOutput(sample, { allowMappings: true, base: "/" }).html).toBe(
    "<html><body>x</body></html>",
  );
  for (const size of [1, 7, 1000]) expect(stream(sample, size)).toBe("");
});
