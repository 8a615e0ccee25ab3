// --max-cost as a promise: reservations of each call's worst case, under any concurrency.

import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Mapping, type Usage, ZERO_USAGE } from "../../src/core/types.ts";
import { createBudget, roundCeilingUsd } from "../../src/generate/budget.ts";
import { originalRequest } from "../../src/generate/plan.ts";
import { costOf } from "../../src/llm/prices.ts";
import { type Contract, describeEachContract } from "../fixtures/contracts.ts";
import {
  type FakeHandler,
  type FakeUsage,
  htmlDoc,
  pageReply,
} from "../fixtures/fake-anthropic.ts";
import { describeEachModel } from "../fixtures/models.ts";
import { seedPage } from "../fixtures/seed.ts";
import {
  clientFor,
  keyOf,
  MODEL,
  priceOf,
  type Site,
  startSite,
  type TestProvider,
} from "../fixtures/site.ts";

/** The model of the tests under way: each describe.each block sets its own. */
let model = MODEL;

/** The price of the model under test. */
const price = () => priceOf(model);
const MAX_TOKENS = 1000;
let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

/** `n` mapped pages at depth 2 whose requests have the same size, hence the same ceiling. */
function mapPages(s: Site, n: number): Mapping[] {
  const pages = Array.from({ length: n }, (_, i) => ({
    key: `/page-${String(i).padStart(3, "0")}.html`,
    prompt: `Page number ${String(i).padStart(3, "0")} of the site.`,
    depth: 2,
    parent: "/",
  }));
  seedPage(s.store, "/", { html: htmlDoc("home"), children: pages });
  return pages;
}

/** The worst case the generator reserves for one of those pages' first call. */
function ceilingOf(m: Mapping, webTools = false): number {
  // Measured as the site's client measures (a local base URL: OpenAI's own API names the
  // output cap max_completion_tokens, 11 bytes longer).
  const client = clientFor("http://127.0.0.1:9/v1", { model, webTools });
  const bytes = client.measure?.(originalRequest(m, 5, MAX_TOKENS)) as number;
  return roundCeilingUsd(price(), bytes, MAX_TOKENS, webTools);
}

describe("budget arithmetic", () => {
  test("a reservation covers, extends and settles; the cap is never passed", () => {
    let ledger = 0;
    const b = createBudget(1, () => ledger);
    const r1 = b.reserve(0.4);
    const r2 = b.reserve(0.4);
    expect(r1 && r2).toBeTruthy();
    expect(b.reserve(0.3)).toBeNull();
    expect(r1?.extend(0.2)).toBe(true);
    expect(r2?.extend(0.01)).toBe(false);
    r1?.settle(0.1);
    ledger = 0.1;
    expect(b.spentUsd).toBeCloseTo(0.1);
    expect(b.leftUsd()).toBeCloseTo(0.5);
    r2?.settle(0.4);
    ledger = 0.5;
    expect(b.reserve(0.5)).not.toBeNull();
    expect(b.exhausted()).toBe(false);
  });

  test("the ceiling bounds the real cost of the largest answer a call can give", () => {
    const bytes = 12_345;
    const worst = costOf(
      {
        inputTokens: bytes,
        outputTokens: MAX_TOKENS,
        cacheWriteTokens: 0,
        cacheReadTokens: 0,
        webSearches: 0,
      },
      price(),
    );
    expect(roundCeilingUsd(price(), bytes, MAX_TOKENS, false)).toBeGreaterThanOrEqual(worst);
    const tools = roundCeilingUsd(price(), bytes, MAX_TOKENS, true);
    expect(tools).toBeGreaterThan(roundCeilingUsd(price(), bytes, MAX_TOKENS, false) + 0.03);
  });
});

describeEachModel(
  (id) => {
    model = id;
  },
  (m) => {
    describe("a site with --max-cost", () => {
      test("is exactly exhausted by N pages that each cost their worst case; the next is refused", async () => {
        const N = 4;
        site = startSite({ model, maxTokens: MAX_TOKENS, handler: worstCase });
        const pages = mapPages(site, N + 1);
        const c = ceilingOf(pages[0] as Mapping);
        for (const p of pages) expect(ceilingOf(p)).toBeCloseTo(c, 12);
        await site.close();
        site = startSite({ model, maxTokens: MAX_TOKENS, maxCostUsd: c * N, handler: worstCase });
        mapPages(site, N + 1);
        for (const p of pages.slice(0, N)) expect((await site.get(p.key)).status).toBe(200);
        expect(site.app.generator.spentUsd()).toBeCloseTo(c * N, 9);
        const refused = await site.get((pages[N] as Mapping).key);
        expect(refused.status).toBe(503);
        expect(refused.body.toLowerCase()).toContain("budget");
        expect(site.fake.calls).toBe(N);
        expect(site.store.stats().spentUsd).toBeCloseTo(c * N, 9);
      });

      test("50 concurrent new pages against a budget that fits 5: five are written, spend ≤ budget", async () => {
        site = startSite({
          model,
          maxTokens: MAX_TOKENS,
          handler: (body) => ({ text: pageReply(htmlDoc(keyOf(body)), []), chunkDelayMs: 5 }),
        });
        const pages = mapPages(site, 50);
        const budget = ceilingOf(pages[0] as Mapping) * 5.5;
        await site.close();
        site = startSite({
          model,
          maxTokens: MAX_TOKENS,
          maxCostUsd: budget,
          handler: (body) => ({ text: pageReply(htmlDoc(keyOf(body)), []), chunkDelayMs: 5 }),
        });
        mapPages(site, 50);
        const results = await Promise.all(pages.map((p) => (site as Site).get(p.key)));
        const ok = results.filter((r) => r.status === 200).length;
        const refused = results.filter((r) => r.status === 503).length;
        expect(ok).toBe(5);
        expect(refused).toBe(45);
        expect(site.fake.calls).toBe(5);
        expect(site.store.stats().spentUsd).toBeLessThanOrEqual(budget);
        const ready = await site.request(`/__ready?url=${(pages[49] as Mapping).key}`);
        expect(ready.status).toBe(503);
      });

      test("spend survives a restart and keeps counting against the cap", async () => {
        const dir = mkdtempSync(join(tmpdir(), "rabbithole-budget-"));
        try {
          const dbPath = join(dir, "site.db");
          const usage = { input: 1_000, output: 500 };
          const handler = () => ({ text: pageReply(htmlDoc("x"), []), usage });
          const a = startSite({ model, dbPath, handler, maxCostUsd: 10 });
          await a.get("/");
          const spent = a.app.generator.spentUsd();
          await a.close();
          expect(spent).toBeCloseTo((1_000 * price().input + 500 * price().output) / 1e6, 9);
          site = startSite({ model, dbPath, handler, maxCostUsd: 10 });
          expect(site.app.generator.spentUsd()).toBeCloseTo(spent, 9);
          expect(site.store.stats().spentUsd).toBeCloseTo(spent, 9);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });

      test("the ledger is the fake server's reported usage times the prices, failures included", async () => {
        const usages = [
          { input: 1200, output: 3400, cacheWrite: 2000, cacheRead: 0, webSearches: 2 },
          { input: 10, output: 7, cacheWrite: 0, cacheRead: 2000, webSearches: 0 },
        ];
        site = startSite({
          model,
          handler: (body, i) =>
            i === 2
              ? {
                  text: "<!DOCTYPE html><html><body>half",
                  usage: { input: 50, output: 40 },
                  errorAfterChunks: { after: 1 },
                }
              : {
                  text: pageReply(htmlDoc(keyOf(body)), [
                    { url: "/a.html", prompt: "A" },
                    { url: "/b.html", prompt: "B" },
                  ]),
                  usage: usages[i],
                },
        });
        await site.get("/");
        await site.get("/a.html");
        await site.get("/b.html");
        const [first, second] = usages.map((u) => costOf(reported(m.provider, u), price()));
        const stats = site.store.stats();
        expect(stats.attempts).toBe(3);
        expect(stats.failedAttempts).toBe(1);
        // The failed call billed its input and what it streamed before breaking (output estimated).
        expect(stats.spentUsd).toBeGreaterThan(
          (first as number) + (second as number) + (50 * price().input) / 1e6,
        );
        // Chat Completions has no server tools, and its cached prompt tokens are billed as input.
        expect(stats.usage.webSearches).toBe(m.provider === "openai" ? 0 : 2);
        expect(stats.usage.cacheReadTokens).toBe(m.provider === "openai" ? 0 : 2000);
        const pages = site.store.listPages();
        expect(pages.find((p) => p.key === "/")?.costUsd).toBeCloseTo(first as number, 12);
      });
    });
  },
);

describe("the operator is told why the site stopped growing", () => {
  const warnings = (s: Site) =>
    s.logger.lines.filter((l) => l.level === "warn").map((l) => String(l.args[0]));

  test("a cap below one call's worst case is named at start-up, with what to change", async () => {
    site = startSite({ model, maxTokens: MAX_TOKENS, maxCostUsd: 0.01, webTools: true });
    const said = warnings(site).filter((w) => w.includes("--max-cost"));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("$0.0100");
    expect(said[0]).toContain("--no-web-tools");
    expect(said[0]).toContain(`--max-tokens (now ${MAX_TOKENS})`);
    // Nothing new at the first refusal: it was already said.
    expect((await site.get("/")).status).toBe(503);
    expect(warnings(site)).toHaveLength(1);
    expect(site.fake.calls).toBe(0);
  });

  test("a cap that fits says nothing until a page is refused, then once per stretch", async () => {
    site = startSite({ model, maxTokens: MAX_TOKENS, handler: worstCase });
    const pages = mapPages(site, 3);
    const c = ceilingOf(pages[0] as Mapping);
    await site.close();
    site = startSite({ model, maxTokens: MAX_TOKENS, maxCostUsd: c * 1.5, handler: worstCase });
    mapPages(site, 3);
    expect(warnings(site)).toEqual([]);
    expect((await site.get((pages[0] as Mapping).key)).status).toBe(200);
    for (const p of pages.slice(1)) expect((await site.get(p.key)).status).toBe(503);
    const said = warnings(site).filter((w) => w.startsWith("new pages are refused"));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain("cannot cover one more call at its worst case");
    const fields = site.logger.lines.find((l) => l.args[0] === said[0])?.args[1];
    expect(fields).toMatchObject({ maxCostUsd: c * 1.5, worstCaseUsd: c });
  });

  test("a spent budget says so, and /__ready reports the state as budget", async () => {
    site = startSite({ model, maxCostUsd: 0 });
    const said = warnings(site).filter((w) => w.startsWith("the budget is spent"));
    expect(said).toHaveLength(1);
    const page = await site.get("/");
    expect(page.status).toBe(503);
    expect(page.res.headers.get("retry-after")).toBeTruthy();
    expect(page.body).toContain("cannot pay for another page");
    const ready = await site.request("/__ready?url=/");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ state: "budget" });
  });
});

/** The model spends the whole worst case: every byte of the request as a (dearer) cache write,
 * and every output token. */
// A token per byte of the request and its overhead: the priciest input it can be, cache writes
// on Anthropic's API, plain prompt tokens on an OpenAI-compatible one.
const worstCase: FakeHandler = (body, _i, req) => {
  const input = Buffer.byteLength(JSON.stringify(req.wire ?? req.body)) + 2_000;
  return {
    text: pageReply(htmlDoc(keyOf(body)), []),
    usage: req.wire
      ? { input, output: body.max_tokens }
      : { input: 0, cacheWrite: input, output: body.max_tokens },
  };
};

/** The usage a provider reports for what the fake was told to report. */
function reported(provider: TestProvider, u: FakeUsage): Usage {
  if (provider === "openai") {
    const inputTokens = (u.input ?? 0) + (u.cacheRead ?? 0);
    return { ...ZERO_USAGE, inputTokens, outputTokens: u.output ?? 0 };
  }
  return {
    inputTokens: u.input ?? 0,
    outputTokens: u.output ?? 0,
    cacheWriteTokens: u.cacheWrite ?? 0,
    cacheReadTokens: u.cacheRead ?? 0,
    webSearches: u.webSearches ?? 0,
  };
}

// Under site memory every page's request carries the bible and a context that grows with the
// site, so the worst case differs per page: the first, uncapped run says what each one costs.
describeEachContract(
  (c: Contract) => {
    test("a site with --max-cost and memory is exactly exhausted by N pages at their worst case", async () => {
      const N = 4;
      const pages = Array.from({ length: N + 1 }, (_, i) => ({
        key: `/page-${i}.html`,
        prompt: `Page number ${i} of the site.`,
        depth: 2,
        parent: "/",
        title: `Page ${i}`,
      }));
      const run = async (maxCostUsd: number | null) => {
        const handler: FakeHandler = (body, i, req) => ({
          ...(worstCase(body, i, req) as object),
          text: c.childAnswer(keyOf(body), `<p>${keyOf(body)}</p>`),
        });
        site = startSite({
          model: c.model,
          memory: true,
          maxTokens: MAX_TOKENS,
          maxCostUsd,
          handler,
        });
        c.home(site.store, pages);
        const statuses = [];
        for (const p of pages) statuses.push((await site.get(p.key)).status);
        return statuses;
      };
      expect(await run(null)).toEqual(pages.map(() => 200));
      const costs = pages.map(
        (p) => site?.store.listPages().find((x) => x.key === p.key)?.costUsd ?? 0,
      );
      // The context grows: a later page's request is larger than the first one's.
      expect(costs[N] as number).toBeGreaterThan(costs[0] as number);
      await site?.close();
      const cap = costs.slice(0, N).reduce((a, b) => a + b, 0);
      expect(await run(cap)).toEqual([...pages.slice(0, N).map(() => 200), 503]);
      expect(site?.app.generator.spentUsd()).toBeCloseTo(cap, 9);
      expect(site?.fake.calls).toBe(N);
    });
  },
  (c) => c.shell,
);
