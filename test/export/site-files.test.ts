// The files an export writes beside its pages: sitemap.xml, robots.txt, the not-written page and
// the entry page of a subtree export. (Their behaviour in a browser: export-browser.test.ts.)

import { describe, expect, test } from "bun:test";
import { MISSING_FILE } from "../../src/export/files.ts";
import {
  type ExportedPage,
  entryPage,
  missingPage,
  robots,
  sitemap,
} from "../../src/export/site-files.ts";

const page = (file: string, createdAt = "2026-03-04T05:06:07.000Z"): ExportedPage => ({
  url: "/",
  file,
  version: 1,
  model: "m",
  createdAt,
  costUsd: 0,
  bytes: 1,
  depth: 1,
  parent: null,
});

describe("sitemap", () => {
  const pages = [
    page("index.html"),
    page("docs/index.html"),
    page("a b/café's & co.html", "2025-12-31T23:59:59.000Z"),
  ];

  test("with a site URL: absolute locations, directories as their URL, the day each was written", () => {
    expect(
      sitemap(pages, "https://moths.example/atlas/"),
    ).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://moths.example/atlas/</loc><lastmod>2026-03-04</lastmod></url>
  <url><loc>https://moths.example/atlas/docs/</loc><lastmod>2026-03-04</lastmod></url>
  <url><loc>https://moths.example/atlas/a%20b/caf%C3%A9&apos;s%20%26%20co.html</loc><lastmod>2025-12-31</lastmod></url>
</urlset>
`);
  });

  test("without one: paths from the root, the root as ./; XML specials escaped", () => {
    const xml = sitemap(pages, null);
    expect(xml).toContain("<loc>./</loc>");
    expect(xml).toContain("<loc>docs/</loc>");
    const raw = sitemap([page("index.html")], "https://x.example/?a=1&b='2'/");
    expect(raw).toContain("<loc>https://x.example/?a=1&amp;b=&apos;2&apos;/</loc>");
  });
});

describe("robots.txt", () => {
  test("keeps crawlers off the not-written page, under the site's path, and names the sitemap", () => {
    expect(robots("https://moths.example/atlas/")).toBe(
      `# A site grown by rabbithole, exported as static files.\nUser-agent: *\nDisallow: /atlas/${MISSING_FILE}\nSitemap: https://moths.example/atlas/sitemap.xml\n`,
    );
    expect(robots(null)).toBe(
      `# A site grown by rabbithole, exported as static files.\nUser-agent: *\nDisallow: /${MISSING_FILE}\n`,
    );
  });
});

describe("pages", () => {
  test("the not-written page: its default text without a script, and every reason for the script", () => {
    const html = missingPage();
    expect(html).toContain('<h1 id="title">This page was never written</h1>');
    const literal = /const REASONS = JSON\.parse\(("(?:[^"\\]|\\.)*")\)/.exec(html)?.[1];
    const reasons = JSON.parse(JSON.parse(literal ?? '""')) as Record<string, [string, string]>;
    expect(Object.keys(reasons)).toEqual(["not-written", "outside-export", "unknown"]);
    expect(reasons["outside-export"]?.[0]).toBe("This page is not part of this export");
    // The script reads only reasons it knows (no prototype keys), and writes text, never HTML.
    expect(html).toContain("Object.hasOwn(REASONS, reason)");
    expect(html).not.toContain("innerHTML");
  });

  test("the entry page of a subtree export opens its top page by a relative link, its key escaped", () => {
    const html = entryPage("docs/a&b.html", '/docs/a&b.html?"x"');
    expect(html).toContain('<meta http-equiv="refresh" content="0; url=docs/a%26b.html">');
    expect(html).toContain('<a href="docs/a%26b.html">/docs/a&amp;b.html?&quot;x&quot;</a>');
  });
});
