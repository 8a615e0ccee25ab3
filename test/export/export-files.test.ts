// Where an export puts each page, and how it rewrites one page's links.

import { describe, expect, test } from "bun:test";
import { assignFiles, hrefBetween, urlPathOf } from "../../src/export/files.ts";
import { decodeEntities, type LinkTargets, rewriteLinks } from "../../src/export/links.ts";

describe("page files", () => {
  test("keys map to the files a static server looks for; names are safe and never collide", () => {
    const long = "x".repeat(300);
    const files = assignFiles([
      "/",
      "/a/b.html",
      "/docs/",
      "/docs",
      "/docs.html",
      "/About.html",
      "/about.html",
      "/notes.txt",
      "/old.htm",
      "/caf%C3%A9.html",
      "/a%2Fb.html",
      "/x:y%3F.html",
      "/.hidden.html",
      "/a.html",
      "/a.html/b.html",
      "/not-written.html",
      `/${long}.html`,
    ]);
    expect(Object.fromEntries(files)).toMatchObject({
      "/": "index.html",
      "/a/b.html": "a/b.html",
      "/docs/": "docs/index.html",
      // The page named so by its key keeps the name; the one given it by the export yields.
      "/docs.html": "docs.html",
      "/docs": "docs-2.html",
      "/About.html": "About.html",
      "/about.html": "about-2.html",
      "/notes.txt": "notes.txt.html",
      "/old.htm": "old.htm",
      "/caf%C3%A9.html": "café.html",
      "/a%2Fb.html": "a_b.html",
      "/x:y%3F.html": "x_y_.html",
      "/.hidden.html": "_hidden.html",
      "/a.html": "a.html",
      // A folder is never the name of a page's file.
      "/a.html/b.html": "a.html_/b.html",
      // The export's own not-written page keeps its name.
      "/not-written.html": "not-written-2.html",
    });
    const longFile = files.get(`/${long}.html`) as string;
    expect(Buffer.byteLength(longFile)).toBeLessThanOrEqual(200);
    expect(longFile).toMatch(/^x+~[0-9a-f]{8}\.html$/);
  });

  test("links between files are relative and percent-encoded; folders are named by their URL", () => {
    expect(hrefBetween("index.html", "docs/index.html")).toBe("docs/index.html");
    expect(hrefBetween("docs/guide.html", "index.html")).toBe("../index.html");
    expect(hrefBetween("a/b/c.html", "a/b/c.html")).toBe("c.html");
    expect(hrefBetween("index.html", "café 1#.html")).toBe("caf%C3%A9%201%23.html");
    expect(hrefBetween("index.html", "a:b.html")).toBe("a%3Ab.html");
    expect(urlPathOf("index.html")).toBe("");
    expect(urlPathOf("docs/index.html")).toBe("docs/");
    expect(urlPathOf("café.html")).toBe("caf%C3%A9.html");
  });
});

describe("one page's links", () => {
  const files = new Map([
    ["/", "index.html"],
    ["/docs/", "docs/index.html"],
    ["/docs/guide.html", "docs/guide.html"],
  ]);
  const targets: LinkTargets = {
    fileOf: (key) => files.get(key),
    reasonOf: (key) => (key === "/later.html" ? "not-written" : "unknown"),
  };
  const rewrite = (html: string) =>
    rewriteLinks(html, { key: "/docs/", file: "docs/index.html" }, targets);

  test("exported targets become relative files, fragments kept, queries and entities handled", () => {
    const { html, missing } = rewrite(
      `<a href="guide.html#s2">g</a><a href="/?q=1&amp;r=2">home</a><a href='../'>up</a>` +
        `<a href="/docs/guide&#46;html">enc</a><form action="/docs/guide.html"></form>`,
    );
    expect(html).toBe(
      `<a href="guide.html#s2">g</a><a href="../index.html">home</a><a href="../index.html">up</a>` +
        `<a href="guide.html">enc</a><form action="guide.html"></form>`,
    );
    expect(missing).toEqual([]);
  });

  test("other sites, schemes and fragments stay as written; only URLs change", () => {
    const page = `<!-- <a href="/x"> --><p class=x>Text &amp; more</p><a href="#top">t</a>
<a href="https://example.com/">e</a><a href="//cdn.example/x.js">c</a><a href="mailto:a@b">m</a>
<a href="javascript:void 0">j</a><a>no href</a><a href="tel:+1">t</a>`;
    expect(rewrite(page)).toEqual({ html: page, missing: [] });
  });

  test("missing pages: links lead to the not-written page, resources lose their URL", () => {
    const { html, missing } = rewrite(
      `<a href="/later.html" rel="next">l</a><img src="/img.png"><script src="/app.js"></script>` +
        `<iframe src="/later.html"></iframe><base href="/" target="_top">`,
    );
    expect(html).toBe(
      `<a href="../not-written.html?not-written=%2Flater.html" rel="nofollow" data-rabbithole-href="/later.html" data-rabbithole-missing="not-written">l</a>` +
        `<img data-rabbithole-src="/img.png" data-rabbithole-missing="unknown">` +
        `<script data-rabbithole-src="/app.js" data-rabbithole-missing="unknown"></script>` +
        `<iframe src="../not-written.html?not-written=%2Flater.html" data-rabbithole-src="/later.html" data-rabbithole-missing="not-written"></iframe>` +
        `<base target="_top">`,
    );
    expect(missing.map((m) => m.key)).toEqual([
      "/later.html",
      "/img.png",
      "/app.js",
      "/later.html",
    ]);
  });

  test("entities in attributes are decoded before a link is resolved", () => {
    expect(decodeEntities("/a&amp;b&#x2F;c&#47;d&quot;&bogus;")).toBe('/a&b/c/d"&bogus;');
  });
});
