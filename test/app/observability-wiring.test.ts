// The metrics as a running app feeds them: real requests and real upstream failures through the
// generation hook, and the scrape-time gauges wired by serveMetrics, read back over HTTP.

import { afterEach, expect, test } from "bun:test";
import { serveMetrics } from "../../src/app/observability.ts";
import { costOf, priceFor } from "../../src/llm/prices.ts";
import { createRabbitholeMetrics } from "../../src/ops/metrics.ts";
import { standalone } from "../../src/store/litefs.ts";
import { type FakeReply, htmlDoc, inOrder, pageReply } from "../fixtures/fake-anthropic.ts";
import { MODEL, type Site, startSite } from "../fixtures/site.ts";

let site: Site | undefined;
let stopMetrics: (() => unknown) | undefined;
afterEach(async () => {
  await stopMetrics?.();
  await site?.close();
  site = undefined;
});

/** `name{labels} value` lines of a scrape, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

test("a failing upstream, a stall and a page show up by class, outcome and model", async () => {
  const metrics = createRabbitholeMetrics();
  const busy: FakeReply = { httpError: { status: 529, type: "overloaded_error" } };
  const page = pageReply(htmlDoc("Home"), [{ url: "/a.html", prompt: "A" }]);
  const usage = { input: 1000, output: 400 };
  site = startSite({
    metrics,
    maxCostUsd: 5,
    handler: inOrder(
      busy,
      { text: page, usage },
      { text: page, chunkSize: 10, stallAfterChunks: 2, usage: { input: 10 } },
    ),
    stallMs: 200,
  });
  const server = serveMetrics(metrics, site.app, standalone, 0, "127.0.0.1");
  stopMetrics = () => server.stop();
  expect((await site.get("/")).status).toBe(503);
  expect((await site.get("/")).status).toBe(200);
  await site.get("/a.html");
  await site.get("/");

  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  const body = await res.text();
  const m = samples(body);
  expect(m.get('rabbithole_upstream_errors_total{kind="overloaded"}')).toBe(1);
  expect(m.get('rabbithole_upstream_errors_total{kind="stall"}')).toBe(1);
  expect(m.get(`rabbithole_generations_total{model="${MODEL}",outcome="error"}`)).toBe(2);
  expect(m.get(`rabbithole_generations_total{model="${MODEL}",outcome="ok"}`)).toBe(1);
  expect(m.get('rabbithole_requests_total{outcome="refused",status="503"}')).toBeUndefined();
  expect(m.get('rabbithole_requests_total{outcome="hit",status="200"}')).toBe(1);
  expect(m.get('rabbithole_requests_total{outcome="generated",status="503"}')).toBe(1);
  expect(m.get(`rabbithole_tokens_total{model="${MODEL}",kind="input"}`)).toBe(1010);
  const spent = site.store.stats().spentUsd;
  expect(m.get(`rabbithole_cost_usd_total{model="${MODEL}"}`)).toBeCloseTo(spent, 9);
  const price = priceFor(MODEL);
  if (!price) throw new Error("no price");
  const pageCost = costOf(
    {
      ...{ cacheWriteTokens: 0, cacheReadTokens: 0, webSearches: 0 },
      inputTokens: 1000,
      outputTokens: 400,
    },
    price,
  );
  expect(spent).toBeGreaterThan(pageCost);
  expect(m.get("rabbithole_budget_left_usd")).toBeCloseTo(5 - spent, 9);
  expect(m.get("rabbithole_generations_in_flight")).toBe(0);
  expect(m.get('rabbithole_role{role="primary"}')).toBe(1);
});
