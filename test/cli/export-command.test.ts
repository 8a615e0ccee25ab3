// `rabbithole export` in-process (cli/export-command.ts): the --site-url it accepts, and the
// summary it ends with.

import { describe, expect, test } from "bun:test";
import { siteUrlOf, summaryText } from "../../src/cli/export-command.ts";
import type { ExportSummary } from "../../src/export/export.ts";
import { MISSING_FILE } from "../../src/export/files.ts";
import { usageError } from "../fixtures/usage.ts";

describe("siteUrlOf", () => {
  test("an http(s) address, ending in / so that paths append to it", () => {
    expect(siteUrlOf("https://example.com")).toBe("https://example.com/");
    expect(siteUrlOf("http://example.com/atlas")).toBe("http://example.com/atlas/");
    expect(siteUrlOf("https://EXAMPLE.com/atlas/")).toBe("https://example.com/atlas/");
  });

  test("anything else is refused, naming the value", () => {
    for (const bad of ["example.com", "ftp://example.com/", "https://", "mailto:a@b.c"]) {
      expect(usageError(() => siteUrlOf(bad)).message).toBe(
        `--site-url "${bad}" is not an http(s) URL, like https://example.com/`,
      );
    }
    for (const bad of [
      "https://example.com/?a=1",
      "https://example.com/#top",
      "https://example.com/#",
    ]) {
      expect(usageError(() => siteUrlOf(bad)).message).toContain("has a query or fragment");
    }
  });
});

describe("summaryText", () => {
  const summary: ExportSummary = {
    dir: "./site",
    pages: 3,
    bytes: 12_000,
    costUsd: 0.5,
    missingLinks: 0,
    missingPages: 0,
    replaced: 0,
    files: 6,
  };

  test("a whole export: pages, size, cost, every link kept, relative URLs", () => {
    expect(summaryText(summary, null).split("\n")).toEqual([
      "exported 3 pages (12.0 kB, $0.5000 to generate) to ./site",
      "every link leads to an exported page",
      "sitemap.xml (relative URLs: give --site-url for absolute ones), robots.txt, manifest.json",
    ]);
  });

  test("a subtree over an earlier export: what was replaced, the links that lead nowhere", () => {
    const text = summaryText(
      { ...summary, pages: 1, replaced: 4, missingLinks: 5, missingPages: 2 },
      "https://example.com/",
    );
    expect(text).toContain("exported 1 page (");
    expect(text).toContain("replaced an earlier export (4 files)");
    expect(text).toContain(`5 links to 2 pages not in the export lead to ${MISSING_FILE}`);
    expect(text).toContain("sitemap.xml (URLs under https://example.com/)");
    expect(summaryText({ ...summary, replaced: 1 }, null)).toContain(
      "replaced an earlier export (1 file)",
    );
  });
});
