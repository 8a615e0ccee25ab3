// What local model servers do wrong, at the site level: a model behind an Anthropic-compatible
// or an OpenAI-compatible local server that thinks in its text (whole `<think>` blocks, or only
// the closing tag), streams reasoning beside its content, reports no cache fields and zero
// input, and has no server tools. Visitors, live and cached, get clean pages.

import { afterEach, describe, expect, test } from "bun:test";
import { htmlDoc, pageReply } from "../fixtures/fake-anthropic.ts";
import { CLOSE_THINKING, type LocalQuirks, THINKING } from "../fixtures/fake-local.ts";
import {
  keyOf,
  listen,
  type Site,
  type SiteOptions,
  startSite,
  type TestProvider,
} from "../fixtures/site.ts";

let site: Site | undefined;
let server: ReturnType<typeof listen> | undefined;
afterEach(async () => {
  await server?.stop();
  await site?.close();
  site = server = undefined;
});

/**
 * Home links to /a.html, which links to /b.html: three pages in small chunks. /a.html is cut off
 * by the output cap once and continued, so its second round thinks again mid-page.
 */
function pages(): NonNullable<SiteOptions["handler"]> {
  let cut = false;
  return (body) => {
    const key = keyOf(body);
    const next = key === "/" ? "/a.html" : key === "/a.html" ? "/b.html" : null;
    const links = next ? `<a href="${next}">next</a>` : "";
    const text = pageReply(
      htmlDoc(`Page ${key}`, `<h1>Page ${key}</h1>${links}`),
      next ? [{ url: next, prompt: `The page ${next}.` }] : [],
    );
    const half = text.indexOf("<h1>");
    if (key === "/a.html" && !cut) {
      cut = true;
      return { text: text.slice(0, half), stopReason: "max_tokens", chunkSize: 7 };
    }
    const rest = key === "/a.html" ? text.slice(half) : text;
    return { text: rest, chunkSize: 7, chunkDelayMs: 1 };
  };
}
const handler = pages();

const SERVERS: [string, TestProvider, LocalQuirks][] = [
  ["Anthropic-compatible, whole <think> blocks", "anthropic", { think: "whole" }],
  ["Anthropic-compatible, only </think>", "anthropic", { think: "close" }],
  [
    "OpenAI-compatible, reasoning_content and whole blocks",
    "openai",
    { think: "whole", reasoningField: "reasoning_content" },
  ],
  [
    "OpenAI-compatible, reasoning and only </think>",
    "openai",
    { think: "close", reasoningField: "reasoning" },
  ],
];

describe.each(SERVERS)("a local server: %s", (_label, provider, local) => {
  test("every page, live and cached, is clean; nothing is charged", async () => {
    site = startSite({ model: "qwen3:8b", provider, local, handler: pages() });
    server = listen(site);
    for (const key of ["/", "/a.html", "/b.html"]) {
      // Live: the browser reads the page as the model writes it.
      const res = await fetch(`${server.url}${key}`);
      const live = await res.text();
      expect(res.status).toBe(200);
      const cached = site.store.getPage(key)?.html ?? "";
      for (const page of [live, cached]) {
        expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
        expect(page).toContain(`<h1>Page ${key}</h1>`);
        for (const thought of [THINKING, CLOSE_THINKING, "think>", "---MAPPINGS---"]) {
          expect(page).not.toContain(thought);
        }
      }
      expect(live).toBe(cached);
    }
    // Its mappings were read from behind the thinking (which names the delimiter too).
    expect(site.store.getMapping("/b.html")).toMatchObject({ depth: 3, parent: "/a.html" });
    expect(site.store.stats()).toMatchObject({ pages: 3, failedAttempts: 0 });
    expect(site.fake.calls).toBe(4);
  });
});

describe("an Anthropic-compatible local server without server tools", () => {
  test("refuses a request that carries them: they must stay off against it (the default)", async () => {
    site = startSite({ model: "qwen3:8b", local: { think: "whole" }, handler, webTools: true });
    const r = await site.get("/");
    expect(r.status).toBe(503);
    expect(site.fake.requests[0]?.body.tools?.map((t) => t.name)).toEqual([
      "web_search",
      "web_fetch",
    ]);
    await site.close();
    site = startSite({ model: "qwen3:8b", local: { think: "whole" }, handler });
    expect((await site.get("/")).status).toBe(200);
    expect(site.fake.requests[0]?.body.tools).toBeUndefined();
  });
});

describe("--context-tokens", () => {
  test("caps each call's output at what the bound leaves, and refuses a page that cannot fit, naming it", async () => {
    const bounded: SiteOptions = {
      model: "qwen3:8b",
      provider: "openai",
      local: {},
      handler,
      contextTokens: 6000,
    };
    site = startSite(bounded);
    expect((await site.get("/")).status).toBe(200);
    const cap = site.fake.requests[0]?.body.max_tokens as number;
    expect(cap).toBeLessThan(6000 - 2000);
    expect(cap).toBeGreaterThan(256);
    await site.close();
    // A brief so long that the system prompt and it leave no room for a page.
    site = startSite({ ...bounded, seed: "A very long brief. ".repeat(800) });
    const r = await site.get("/");
    expect(r.status).toBe(503);
    expect(site.fake.calls).toBe(0);
    const line = site.logger.lines.find((l) => l.args[0] === "generation");
    expect(JSON.stringify(line?.args[1])).toContain("--context-tokens 6000");
  });
});
