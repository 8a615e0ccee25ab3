// The words for each status (http/views/status-text.ts), and the eyebrow line made from them.

import { expect, test } from "bun:test";
import { eyebrowOf, STATUS_TEXT } from "../../../src/http/views/status-text.ts";

test("the eyebrow is the status and its words; a status without words is an Error", () => {
  expect(eyebrowOf(404)).toBe("404 · Not found");
  expect(eyebrowOf(429)).toBe("429 · Too many new pages");
  expect(eyebrowOf(418)).toBe("418 · Error");
});

test("every error status the server sends has its words", () => {
  for (const status of [400, 401, 403, 404, 405, 409, 413, 414, 415, 429, 500, 503]) {
    expect(STATUS_TEXT[status]).toBeString();
  }
});
