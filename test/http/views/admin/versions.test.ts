// A page's versions in the admin view (http/views/admin/versions.ts): the dashboard's list of
// pages with kept versions, bounded; the versions page, newest first, a rollback button on each
// kept one and none on the current one.

import { describe, expect, test } from "bun:test";
import {
  keptSection,
  versionsPage,
  versionsUrl,
} from "../../../../src/http/views/admin/versions.ts";
import type { PageVersion } from "../../../../src/store/versions.ts";

const version = (n: number, current: boolean): PageVersion => ({
  version: n,
  current,
  model: "claude-sonnet-4-6",
  costUsd: 0.01,
  bytes: 1000,
  createdAt: Date.UTC(2025, 0, n),
  replacedAt: current ? null : Date.UTC(2025, 0, n + 1),
});

describe("versionsUrl", () => {
  test("the key, and the flash when there is one", () => {
    expect(versionsUrl("/a b.html")).toBe("/__admin/versions?key=%2Fa+b.html");
    expect(versionsUrl("/a.html", "busy")).toBe("/__admin/versions?key=%2Fa.html&done=busy");
  });
});

describe("keptSection", () => {
  test("each key linked to its versions page; purged or its current version", () => {
    const text = keptSection([
      { key: "/a.html", kept: 2, current: 3 },
      { key: "/<b>.html", kept: 1, current: null },
    ]).text;
    expect(text).toContain('href="/__admin/versions?key=%2Fa.html">/a.html</a>');
    expect(text).toContain("<td>version 3</td>");
    expect(text).toContain("<td>purged</td>");
    expect(text).toContain("/&lt;b&gt;.html");
  });

  test("at most 200 rows, the rest counted; none at all is a sentence", () => {
    const many = Array.from({ length: 205 }, (_, i) => ({
      key: `/p${i}.html`,
      kept: 1,
      current: 1,
    }));
    const text = keptSection(many).text;
    expect(text.match(/<tr data-key=/g)).toHaveLength(200);
    expect(text).toContain("And 5 more");
    expect(keptSection([]).text).toContain("No page has been purged or regenerated yet.");
  });
});

describe("versionsPage", () => {
  test("newest first; the current one has no button, each kept one rolls back to itself", () => {
    const text = versionsPage({
      key: "/a.html",
      versions: [version(1, false), version(2, false), version(3, true)],
      csrf: "tok",
      flash: null,
    });
    const order = [...text.matchAll(/<tr data-version="(\d+)"/g)].map((m) => m[1]);
    expect(order).toEqual(["3", "2", "1"]);
    expect(text.match(/<button /g)).toHaveLength(2);
    expect(text).toContain('name="version" value="2"');
    expect(text).not.toContain('name="version" value="3"');
    expect(text).toContain("<td>current</td>");
    expect(text).toContain("replaced 2025-01-02 00:00 UTC");
    expect(text).toContain('<input type="hidden" name="csrf" value="tok">');
    expect(text).toContain('<input type="hidden" name="key" value="/a.html">');
    expect(text).toContain('<form method="post" action="/__admin/rollback">');
  });

  test("the key escaped in title and heading, linked only on this site; nothing kept: a sentence", () => {
    const text = versionsPage({ key: "//evil.test/<x>", versions: [], csrf: "t", flash: null });
    expect(text).toContain("<title>Versions of //evil.test/&lt;x&gt; · rabbithole admin</title>");
    expect(text).not.toContain("<x>");
    expect(text).toContain('<a href="/" target="_blank"');
    expect(text).toContain("Nothing has been written at this address");
    expect(text).not.toContain("<form");
  });
});
