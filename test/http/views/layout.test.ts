// The server pages' shared look (http/views/layout.ts): one self-contained document, every value
// escaped, scripts that cannot be ended by their data, links that cannot leave the site.

import { describe, expect, test } from "bun:test";
import { html } from "../../../src/http/views/html.ts";
import {
  hole,
  jsString,
  layout,
  sameSiteHref,
  statusPage,
} from "../../../src/http/views/layout.ts";

const count = (text: string, part: string) => text.split(part).length - 1;

describe("layout", () => {
  test("one whole document: doctype, language, viewport, noindex, the title escaped", () => {
    const page = layout({ title: `<b>"x"</b>`, body: html`<p>hi</p>` }).text;
    expect(page).toStartWith('<!DOCTYPE html>\n<html lang="en">');
    expect(page).toContain('<meta name="viewport"');
    expect(page).toContain('<meta name="robots" content="noindex">');
    expect(page).toContain("<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>");
    expect(page).toContain("<main>\n<p>hi</p>\n</main>");
    expect(count(page, "<style>")).toBe(1);
    // Self-contained: no asset the server would have to route.
    expect(page).not.toMatch(/<link|<script src|url\(http/);
  });

  test("a script only when the page has one, and extra head markup where asked", () => {
    expect(layout({ title: "t", body: html`` }).text).not.toContain("<script>");
    const page = layout({
      title: "t",
      body: html``,
      head: html`<meta name="x" content="y">`,
      script: "go()",
    }).text;
    expect(page).toContain("<script>go()</script>");
    expect(page.indexOf('<meta name="x"')).toBeLessThan(page.indexOf("</head>"));
  });
});

describe("jsString", () => {
  test("the same string to JavaScript, but never a way out of its <script>", () => {
    const nasty = `</script><script>alert(1)</script>\u2028\u2029"'\\`;
    const literal = jsString(nasty);
    expect(literal).not.toContain("</");
    expect(literal).not.toMatch(/[\u2028\u2029]/);
    expect(new Function(`return ${literal}`)()).toBe(nasty);
  });
});

describe("sameSiteHref", () => {
  test("a path on this site stays; anything that could leave it becomes the homepage", () => {
    expect(sameSiteHref("/planets/mars.html")).toBe("/planets/mars.html");
    expect(sameSiteHref("/")).toBe("/");
    for (const away of [
      "//evil.test/x",
      "/\\evil.test",
      "https://evil.test/",
      "javascript:1",
      "",
    ]) {
      expect(sameSiteHref(away)).toBe("/");
    }
  });
});

describe("statusPage", () => {
  test("eyebrow, title and detail escaped; the lead is markup; the homepage is the action", () => {
    const page = statusPage({
      eyebrow: "404 · <i>",
      title: "No <b>",
      lead: html`See <code>${"/a<b>"}</code>`,
      detail: "reason <script>",
    });
    expect(page).toContain('<p class="eyebrow">404 · &lt;i&gt;</p>');
    expect(page).toContain("<h1>No &lt;b&gt;</h1>");
    expect(page).toContain('<p class="lead">See <code>/a&lt;b&gt;</code></p>');
    expect(page).toContain('<p class="reason">reason &lt;script&gt;</p>');
    expect(page).toContain('<a class="button primary" href="/">Go to the homepage</a>');
  });

  test("no detail, no reason box; given actions replace the way home", () => {
    const page = statusPage({
      eyebrow: "e",
      title: "t",
      lead: html`l`,
      actions: html`<a href="/x">X</a>`,
    });
    expect(page).not.toContain('class="reason"');
    expect(page).not.toContain("Go to the homepage");
    expect(page).toContain('<p class="actions"><a href="/x">X</a></p>');
  });
});

describe("hole", () => {
  test("the spiral: three arms, an id only when asked, the class escaped", () => {
    const plain = hole("mark").text;
    expect(count(plain, '<use href="#hole-arm"')).toBe(3);
    expect(plain).not.toMatch(/<svg id=/);
    expect(plain).toContain('aria-hidden="true"');
    expect(hole('a"b', "spin").text).toStartWith('<svg id="spin" class="a&quot;b"');
  });
});
