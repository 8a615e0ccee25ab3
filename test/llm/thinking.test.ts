// Thinking on the 5.x models, through a whole site: never on a page, always on the bill, always
// inside the budget's reservation (it counts toward max_tokens).

import { afterEach, describe, expect, test } from "bun:test";
import { costOf, priceFor } from "../../src/llm/prices.ts";
import { type Contract, describeEachContract } from "../fixtures/contracts.ts";
import { htmlDoc, inOrder, pageReply } from "../fixtures/fake-anthropic.ts";
import { FAKE_THINKING_TOKENS } from "../fixtures/fake-anthropic-models.ts";
import { listen, type Site, startSite } from "../fixtures/site.ts";

const DOC = htmlDoc("Mars", '<h1>Mars</h1><a href="/moons.html">Moons</a>');
const PAGE = pageReply(DOC, [{ url: "/moons.html", prompt: "The moons of Mars." }]);

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

describe("a 5.5 model at --effort high", () => {
  test("no thinking text reaches the live page, the stored page or the parser", async () => {
    site = startSite({
      model: "claude-sonnet-5-5",
      effort: "high",
      handler: () => ({ text: PAGE, chunkSize: 9 }),
    });
    const server = listen(site);
    try {
      const live = await (await fetch(`${server.url}/`)).text();
      expect(live).toBe(DOC);
      expect(site.store.getPage("/")?.html).toBe(DOC);
      expect(site.store.getMapping("/moons.html")).not.toBeNull();
      expect(site.fake.requests[0]?.body.output_config).toEqual({ effort: "high" });
    } finally {
      await server.stop();
    }
  });

  test("the ledger prices thinking tokens as output", async () => {
    site = startSite({
      model: "claude-sonnet-5-5",
      effort: "high",
      handler: () => ({ text: PAGE, usage: { input: 1000, output: 300 } }),
    });
    await site.get("/");
    const stats = site.store.stats();
    const thinking = FAKE_THINKING_TOKENS.high as number;
    expect(stats.usage.outputTokens).toBe(300 + thinking);
    const price = priceFor("claude-sonnet-5-5") ?? (undefined as never);
    const expected = costOf({ ...stats.usage, outputTokens: 300 + thinking }, price);
    expect(stats.spentUsd).toBeCloseTo(expected, 12);
    // $10 per million output tokens: the thinking alone is $0.02.
    expect(stats.spentUsd).toBeGreaterThan((thinking * 10) / 1e6);
  });

  test("a budget of one worst case holds a page whose thinking fills max_tokens", async () => {
    const maxTokens = 1000;
    // The fake thinks 2,000 tokens at high effort but, as the API does, never reports more
    // output than max_tokens: the reservation (max_tokens at the output price) covers it.
    site = startSite({
      model: "claude-sonnet-5-5",
      effort: "high",
      maxTokens,
      maxCostUsd: 0.05,
      handler: () => ({ text: PAGE, usage: { input: 500 } }),
    });
    await site.get("/");
    expect(site.store.stats().usage.outputTokens).toBe(maxTokens);
    expect(site.store.stats().spentUsd).toBeLessThanOrEqual(0.05);
  });
});

describe("Opus 5.5 always thinks", () => {
  test("by default at effort low, the least it allows, and its thinking is billed", async () => {
    site = startSite({
      model: "claude-opus-5-5",
      handler: () => ({ text: PAGE, usage: { output: 100 } }),
    });
    expect((await site.get("/")).body).toBe(DOC);
    const body = site.fake.requests[0]?.body;
    expect(body?.output_config).toEqual({ effort: "low" });
    expect(body?.thinking).toBeUndefined();
    expect(site.store.stats().usage.outputTokens).toBe(100 + (FAKE_THINKING_TOKENS.low as number));
  });
});

// The seam under each contract on the 5.5 model: a content answer continues as a document does.
describeEachContract(
  (c: Contract) => {
    describe("a page cut off on a 5.5 model", () => {
      test("is continued, and a continuation that repeats the seam leaves one clean page, live and stored", async () => {
        const page = c.answer('<h1>Mars</h1><a href="/moons.html">Moons</a>', [
          { url: "/moons.html", prompt: "The moons of Mars." },
        ]);
        const cut = page.indexOf("<a href");
        // The model repeats the last 12 characters it wrote, fenced, before going on.
        const again = `\`\`\`html\n${page.slice(cut - 12)}`;
        const s = c.start({
          handler: inOrder(
            { text: page.slice(0, cut), stopReason: "max_tokens", chunkSize: 5 },
            { text: again, chunkSize: 4 },
          ),
        });
        site = s;
        const server = listen(s);
        try {
          const live = await (await fetch(`${server.url}${c.key}`)).text();
          const doc = c.page('<h1>Mars</h1><a href="/moons.html">Moons</a>');
          expect(live).toBe(doc);
          expect(s.store.getPage(c.key)?.html).toBe(doc);
          expect(s.store.getMapping("/moons.html")).not.toBeNull();
          const roles = s.fake.requests.map((r) => r.body.messages.map((m) => m.role).join(","));
          expect(roles).toEqual(["user", "user,assistant,user"]);
        } finally {
          await server.stop();
        }
      });
    });
  },
  (c) => c.model === "claude-sonnet-5-5",
);
