import { describe, expect, test } from "bun:test";
import { isCompleteDocument, MAPPINGS_DELIMITER, parseOutput } from "../../src/contract/parse.ts";

const DOC = `<!DOCTYPE html>
<html lang="en"><head><title>Mars</title></head>
<body><a href="/planets/mars/moons.html">Moons</a></body>
</html>`;
const MAPS = `[{"url": "/planets/mars/moons.html", "prompt": "Phobos and Deimos."},
 {"url": "/planets/mars/rovers.html", "prompt": "Every rover so far."}]`;
const OPTS = { allowMappings: true, base: "/planets/mars.html" };

const parse = (text: string, opts = OPTS) => parseOutput(text, opts);
const urls = (text: string, opts = OPTS) => parse(text, opts).mappings.map((m) => m.url);
const withMaps = (json: string) => `${DOC}\n${MAPPINGS_DELIMITER}\n${json}`;

describe("the document", () => {
  test("the exact format parses", () => {
    const out = parse(withMaps(MAPS));
    expect(out.html).toBe(DOC);
    expect(out.mappings).toEqual([
      { url: "/planets/mars/moons.html", prompt: "Phobos and Deimos." },
      { url: "/planets/mars/rovers.html", prompt: "Every rover so far." },
    ]);
  });

  test("the delimiter constant", () => {
    expect(MAPPINGS_DELIMITER).toBe("---MAPPINGS---");
  });

  test("a preamble before the doctype is stripped", () => {
    const out = parse(`Sure! Here is the page you asked for:\n\n${withMaps(MAPS)}`);
    expect(out.html).toBe(DOC);
    expect(out.mappings).toHaveLength(2);
  });

  test("a preamble that mentions <html> does not capture the doctype", () => {
    expect(parse(`Here is the <html> page:\n${withMaps(MAPS)}`).html).toBe(DOC);
  });

  test("a preamble naming the bare <html> tag is not the page, with or without a doctype", () => {
    const page = '<html lang="en"><body>hi</body></html>';
    expect(parse(`Here's your <html> page:\n\`\`\`html\n${page}\n\`\`\``).html).toBe(page);
    expect(parse(`The <html> element comes first.\n<html>\n<body>hi</body></html>`).html).toBe(
      "<html>\n<body>hi</body></html>",
    );
    // The last resort: the only candidate, mid-sentence.
    expect(parse("Here: <html><body>hi</body></html>").html).toBe("<html><body>hi</body></html>");
  });

  test("a document without a doctype starts at <html>", () => {
    const html = "<HTML><body>hi</body></HTML>";
    expect(parse(`Page:\n${html}\n${MAPPINGS_DELIMITER}\n[]`).html).toBe(html);
  });

  test("Markdown fences around the page and the JSON are stripped", () => {
    const fence = "```";
    const json = `${MAPPINGS_DELIMITER}\n${fence}json\n${MAPS}\n${fence}\n`;
    const text = `${fence}html\n${DOC}\n${fence}\n\n${json}`;
    const out = parse(text);
    expect(out.html).toBe(DOC);
    expect(out.mappings).toHaveLength(2);
  });

  test("chatter between </html> and the delimiter is not part of the page", () => {
    const out = parse(`${DOC}\n\nAnd here are the links:\n\n  ${MAPPINGS_DELIMITER}  \n${MAPS}`);
    expect(out.html).toBe(DOC);
    expect(out.mappings).toHaveLength(2);
  });

  test("no delimiter: the page stands, with no children", () => {
    expect(parse(DOC)).toEqual({ html: DOC, mappings: [] });
    expect(parse(`${DOC}\n\n${MAPS}`)).toEqual({ html: DOC, mappings: [] });
  });

  test("a truncated document is null, with or without a mappings block", () => {
    const cut = DOC.slice(0, DOC.indexOf("</body>"));
    expect(parse(cut).html).toBeNull();
    expect(parse(`${cut}\n${MAPPINGS_DELIMITER}\n${MAPS}`).html).toBeNull();
  });

  test("text with no document at all is null", () => {
    expect(parse("I can't help with that.")).toEqual({ html: null, mappings: [] });
    expect(parse("")).toEqual({ html: null, mappings: [] });
  });

  test("a delimiter inside the page's text does not split it", () => {
    const doc = DOC.replace("<body>", `<body><p>Then write ${MAPPINGS_DELIMITER}</p>`);
    const out = parse(`${doc}\n${MAPPINGS_DELIMITER}\n${MAPS}`);
    expect(out.html).toBe(doc);
    expect(out.mappings).toHaveLength(2);
  });

  test("isCompleteDocument", () => {
    expect(isCompleteDocument(DOC)).toBe(true);
    expect(isCompleteDocument(`  ${DOC}\n\n`)).toBe(true);
    expect(isCompleteDocument("<html><body></body></HTML>")).toBe(true);
    expect(isCompleteDocument(DOC.slice(0, -3))).toBe(false);
    expect(isCompleteDocument(`${DOC}\n\`\`\``)).toBe(false);
    expect(isCompleteDocument(`Here:\n${DOC}`)).toBe(false);
    expect(isCompleteDocument("<p>hi</p></html>")).toBe(false);
    expect(isCompleteDocument("")).toBe(false);
  });
});

describe("the mappings block", () => {
  test("broken JSON leaves the page with no children", () => {
    const out = parse(withMaps("[this is not json"));
    expect(out.html).toBe(DOC);
    expect(out.mappings).toEqual([]);
    expect(urls(withMaps('[{"url": "/a.html", "prompt": "x"'))).toEqual([]);
    expect(urls(withMaps(""))).toEqual([]);
    expect(urls(withMaps("none"))).toEqual([]);
  });

  test("trailing text after the array is ignored", () => {
    expect(urls(withMaps(`${MAPS}\n\nLet me know if you need more pages! [1]`))).toHaveLength(2);
  });

  test("leading text with brackets before the array is tolerated", () => {
    expect(urls(withMaps(`Links [JSON]:\n${MAPS}`))).toHaveLength(2);
  });

  test("complete entries of a damaged array are salvaged", () => {
    const json = '[{"url": "/a.html", "prompt": "A"}, {"url": "/b.html", "prompt": "B"},]';
    expect(urls(withMaps(json))).toEqual(["/a.html", "/b.html"]);
    const cut = '[{"url": "/a.html", "prompt": "A {with} [brackets]"}, {"url": "/b.ht';
    expect(parse(withMaps(cut)).mappings).toEqual([
      { url: "/a.html", prompt: "A {with} [brackets]" },
    ]);
  });

  test("a prompt containing braces and escaped quotes survives", () => {
    const json = JSON.stringify([{ url: "/q.html", prompt: 'Say "hi" } ] { [' }]);
    expect(parse(withMaps(json)).mappings).toEqual([
      { url: "/q.html", prompt: 'Say "hi" } ] { [' },
    ]);
  });

  test("entries leaving the site or naming system routes are dropped", () => {
    const json = JSON.stringify(
      [
        "https://example.com/x",
        "http://example.com/",
        "//example.com/x",
        "javascript:alert(1)",
        "mailto:a@example.com",
        "data:text/html,hi",
        "/__ready",
        "/__health",
        "/%5F%5Fready",
        "/100%",
        "/ok.html",
      ].map((url) => ({ url, prompt: "p" })),
    );
    expect(urls(withMaps(json))).toEqual(["/ok.html"]);
  });

  test("/ and the page itself are never mapped", () => {
    const json = JSON.stringify(
      ["/", "/index.html", "/planets/mars.html", "#top", "mars.html", "/x.html"].map((url) => ({
        url,
        prompt: "p",
      })),
    );
    expect(urls(withMaps(json))).toEqual(["/x.html"]);
  });

  test("urls are normalised and relative ones resolve against the page", () => {
    const json = JSON.stringify([
      { url: "/Planets//Caf%c3%a9.html?x#y", prompt: "p" },
      { url: "phobos.html", prompt: "p" },
      { url: "../venus.html", prompt: "p" },
    ]);
    expect(urls(withMaps(json))).toEqual([
      "/Planets/Caf%C3%A9.html",
      "/planets/phobos.html",
      "/venus.html",
    ]);
  });

  test("duplicates keep the first entry, also across spellings", () => {
    const json = JSON.stringify([
      { url: "/caf%C3%A9.html", prompt: "first" },
      { url: "/café.html", prompt: "second" },
      { url: "/caf%c3%a9.html", prompt: "third" },
    ]);
    expect(parse(withMaps(json)).mappings).toEqual([{ url: "/caf%C3%A9.html", prompt: "first" }]);
  });

  test("empty prompts and non-string fields are dropped; prompts are trimmed", () => {
    const json = JSON.stringify([
      { url: "/empty.html", prompt: "" },
      { url: "/blank.html", prompt: "  \n " },
      { url: "/num.html", prompt: 42 },
      { url: 7, prompt: "p" },
      { url: null, prompt: "p" },
      { url: "/obj.html", prompt: { text: "p" } },
      { prompt: "no url" },
      { url: "/no-prompt.html" },
      "/a-string.html",
      ["/an-array.html", "p"],
      null,
      { url: "/good.html", prompt: "  Good.  " },
    ]);
    expect(parse(withMaps(json)).mappings).toEqual([{ url: "/good.html", prompt: "Good." }]);
  });

  test("a JSON value that is not an array yields no children", () => {
    expect(urls(withMaps('"just a string"'))).toEqual([]);
    expect(urls(withMaps("42"))).toEqual([]);
  });

  test("at the depth limit every mapping is dropped and the page kept", () => {
    const out = parse(withMaps(MAPS), { ...OPTS, allowMappings: false });
    expect(out).toEqual({ html: DOC, mappings: [] });
  });
});
