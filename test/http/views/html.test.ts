// The html template tag (http/views/html.ts): every value escaped unless it is markup it made.

import { describe, expect, test } from "bun:test";
import { escapeHtml, Html, html, trusted } from "../../../src/http/views/html.ts";

describe("html tag", () => {
  test("escapes strings and numbers, in text and in attributes", () => {
    const key = `/"><script>alert(1)</script>`;
    expect(html`<a href="${key}">${key}</a>`.text).toBe(
      `<a href="${escapeHtml(key)}">${escapeHtml(key)}</a>`,
    );
    expect(html`<td>${42}</td>`.text).toBe("<td>42</td>");
  });

  test("markup it made, or trusted, goes in as it is; arrays join; null and booleans vanish", () => {
    const item = (t: string) => html`<li>${t}</li>`;
    const list = html`<ul>${["a&b", "<c>"].map(item)}</ul>`;
    expect(list).toBeInstanceOf(Html);
    expect(list.text).toBe("<ul><li>a&amp;b</li><li>&lt;c&gt;</li></ul>");
    expect(html`<style>${trusted('a{font:"x"}')}</style>`.text).toBe('<style>a{font:"x"}</style>');
    expect(html`[${null}${undefined}${false}${true}]`.text).toBe("[]");
    expect(String(html`<b>${"x"}</b>`)).toBe("<b>x</b>");
  });
});
