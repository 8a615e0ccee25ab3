// The notice that ends a live page cut off by an upstream failure: it must show whatever state
// the half-written markup was left in. Checked as strings here, and as rendered in Chromium.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { closeOpenContexts, streamFailureNotice } from "../../../src/http/views/notice.ts";
import { hasChromium, launchBrowser, SHOTS, warnIfNoChromium } from "../../fixtures/browser.ts";

const HEAD = "<!DOCTYPE html>\n<html><head><title>Mars</title>";

/** Pages cut off in every context that could swallow the notice, and what closes each. */
const CUTS: [string, string, string][] = [
  ["in the body text", `${HEAD}</head><body><p>The red pla`, ""],
  ["inside <style>", `${HEAD}<style>body{color:#222}\nh1{font-si`, "</style>"],
  ["inside <script>", `${HEAD}<script>if (a < b && c > d) { x = "`, "</script>"],
  ["inside <title>", "<!DOCTYPE html><html><head><title>Ma", "</title>"],
  ["inside a comment", `${HEAD}</head><body><!-- nav <a href="/x">`, "-->"],
  ["inside a tag", `${HEAD}</head><body><a class=big hr`, ">"],
  ["inside a quoted attribute", `${HEAD}</head><body><a href="/mars/moo`, '">'],
  ["inside a single-quoted one", `${HEAD}</head><body><p title='it > is`, "'>"],
  ["inside a <style> tag's attributes", `${HEAD}<style media="scr`, '"></style>'],
  ["after a closed <style> and a comment", `${HEAD}<style>a{}</style><!-- x --><p>a < b`, ""],
  ["at a bare <", `${HEAD}</head><body><p>x <`, ""],
  ["inside a <textarea>", `${HEAD}</head><body><textarea>Type <b>here`, "</textarea>"],
];

describe("closeOpenContexts", () => {
  for (const [where, html, closer] of CUTS) {
    test(`cut ${where}: ${JSON.stringify(closer)}`, () => {
      expect(closeOpenContexts(html)).toBe(closer);
    });
  }

  test("a whole page needs nothing", () => {
    const page = `${HEAD}<style>p{}</style><script>1<2</script></head><body><p>x</p></body></html>`;
    expect(closeOpenContexts(page)).toBe("");
  });

  test("the notice starts with the closer and escapes the reason and key", () => {
    const notice = streamFailureNotice('/a"b', "<b>overloaded</b>", `${HEAD}<style>x{`);
    expect(notice.startsWith("</style>\n<div")).toBe(true);
    expect(notice).toContain("&lt;b&gt;overloaded&lt;/b&gt;");
    expect(notice).toContain('href="/a&quot;b"');
  });
});

warnIfNoChromium("browser tests of the failure notice");

describe.skipIf(!hasChromium)("the notice in a real browser", () => {
  let browser: Browser;
  if (hasChromium) beforeAll(async () => (browser = await launchBrowser()));
  if (hasChromium) afterAll(async () => await browser?.close());

  test("is visible, with a working Retry link, however the page was cut", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    for (const [i, [where, html]] of CUTS.entries()) {
      await page.setContent(
        html + streamFailureNotice("/mars.html", "The API was overloaded.", html),
      );
      const alert = page.getByRole("alert");
      expect(await alert.isVisible(), where).toBe(true);
      expect(await alert.textContent(), where).toContain("This page could not be finished.");
      const retry = alert.getByRole("link", { name: "Retry" });
      expect(await retry.getAttribute("href"), where).toBe("/mars.html");
      if (i === 1) await page.screenshot({ path: `${SHOTS}/live-failed-in-style.png` });
    }
    await page.close();
  });
});
