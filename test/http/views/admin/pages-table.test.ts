// Every cached page and its two buttons (http/views/admin/pages-table.ts): newest first, keys
// escaped, links that cannot leave the site, one form and one CSRF field for the whole table.

import { describe, expect, test } from "bun:test";
import type { PageSummary } from "../../../../src/core/types.ts";
import { pagesTable } from "../../../../src/http/views/admin/pages-table.ts";

const page = (key: string, createdAt: number, o: Partial<PageSummary> = {}): PageSummary => ({
  key,
  depth: 1,
  parent: "/",
  model: "claude-sonnet-4-6",
  bytes: 2048,
  costUsd: 0.0042,
  createdAt,
  ...o,
});

describe("pagesTable", () => {
  test("no pages: a sentence, no form", () => {
    const text = pagesTable([], "t").text;
    expect(text).toContain("No page has been generated yet.");
    expect(text).not.toContain("<form");
  });

  test("newest first, ties by key; one form, one CSRF field, two buttons a row", () => {
    const text = pagesTable(
      [page("/b.html", 1), page("/c.html", 5), page("/a.html", 1)],
      "csrf-<1>",
    ).text;
    const order = [...text.matchAll(/<tr data-key="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(["/c.html", "/a.html", "/b.html"]);
    expect(text.match(/<form /g)).toHaveLength(1);
    expect(text).toContain('<input type="hidden" name="csrf" value="csrf-&lt;1&gt;">');
    expect(text.match(/formaction="\/__admin\/purge"/g)).toHaveLength(3);
    expect(text.match(/formaction="\/__admin\/regenerate"/g)).toHaveLength(3);
  });

  test("a hostile key is escaped everywhere and never a link off the site", () => {
    const text = pagesTable([page(`//evil.test/"><script>`, 1, { parent: null })], "t").text;
    expect(text).not.toContain("<script>");
    expect(text).toContain('href="/" target="_blank"');
    expect(text).toContain('value="//evil.test/&quot;&gt;&lt;script&gt;"');
    // The homepage has no parent: a dash, not "null".
    expect(text).toContain('<td class="opt">–</td>');
  });

  test("a row shows size, cost and time as the formatters write them", () => {
    const text = pagesTable([page("/a.html", Date.UTC(2025, 0, 2, 3, 4))], "t").text;
    expect(text).toContain("2025-01-02 03:04 UTC");
    expect(text).toContain("$0.0042");
    expect(text).toContain("<code>/</code>");
  });
});
