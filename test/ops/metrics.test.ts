import { afterEach, describe, expect, test } from "bun:test";
import { ZERO_USAGE } from "../../src/core/types.ts";
import { createRabbitholeMetrics, Registry, startMetricsServer } from "../../src/ops/metrics.ts";
import { rawRequest } from "../fixtures/raw-http.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Parsed {
  help: Map<string, string>;
  type: Map<string, string>;
  samples: Sample[];
}

/** A strict reader of the text format 0.0.4: anything it does not understand fails the test. */
function parse(text: string): Parsed {
  const out: Parsed = { help: new Map(), type: new Map(), samples: [] };
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (kind === "HELP")
        out.help.set(
          name,
          rest.replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c)),
        );
      else out.type.set(name, rest);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    const body = m[2] ?? "";
    const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    let at = 0;
    while (at < body.length) {
      pair.lastIndex = at;
      const p = pair.exec(body);
      if (!p) throw new Error(`bad labels: ${body}`);
      labels[p[1] as string] = (p[2] as string).replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
      at = pair.lastIndex;
    }
    const raw = m[3] as string;
    const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== "NaN") throw new Error(`bad value: ${raw}`);
    out.samples.push({ name: m[1] as string, labels, value });
  }
  return out;
}

const find = (p: Parsed, name: string, labels: Record<string, string> = {}) =>
  p.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;

describe("registry", () => {
  test("counters and gauges with labels, HELP and TYPE lines", () => {
    const r = new Registry();
    const c = r.counter("t_total", "A count.\nSecond line with a \\ backslash.", ["a"]);
    const g = r.gauge("t_level", "A level.");
    c.inc({ a: "x" });
    c.inc({ a: "x" }, 2.5);
    c.inc({ a: "y" });
    g.set({}, 7);
    g.inc({}, -2);
    const p = parse(r.expose());
    expect(p.type.get("t_total")).toBe("counter");
    expect(p.type.get("t_level")).toBe("gauge");
    expect(p.help.get("t_total")).toBe("A count.\nSecond line with a \\ backslash.");
    expect(find(p, "t_total", { a: "x" })).toBe(3.5);
    expect(find(p, "t_total", { a: "y" })).toBe(1);
    expect(find(p, "t_level")).toBe(5);
  });

  test("label values are escaped and read back intact", () => {
    const r = new Registry();
    const c = r.counter("esc_total", "Escaping.", ["v"]);
    const nasty = 'a "quoted" \\ back\\slash\nnew line } , =';
    c.inc({ v: nasty });
    const text = r.expose();
    expect(text).toContain('esc_total{v="a \\"quoted\\" \\\\ back\\\\slash\\nnew line } , ="} 1');
    expect(find(parse(text), "esc_total")).toBe(1);
    expect(parse(text).samples[0]?.labels.v).toBe(nasty);
  });

  test("histograms: cumulative buckets, +Inf, _sum and _count", () => {
    const r = new Registry();
    const h = r.histogram("lat_seconds", "Latency.", [0.1, 1, 10], ["route"]);
    for (const v of [0.05, 0.1, 0.5, 2, 20, 30]) h.observe({ route: "a" }, v);
    h.observe({ route: "b" }, 0.2);
    const p = parse(r.expose());
    expect(p.type.get("lat_seconds")).toBe("histogram");
    const bucket = (route: string, le: string) => find(p, "lat_seconds_bucket", { route, le });
    expect(bucket("a", "0.1")).toBe(2); // le is "less than or equal"
    expect(bucket("a", "1")).toBe(3);
    expect(bucket("a", "10")).toBe(4);
    expect(bucket("a", "+Inf")).toBe(6);
    expect(find(p, "lat_seconds_count", { route: "a" })).toBe(6);
    expect(find(p, "lat_seconds_sum", { route: "a" })).toBeCloseTo(52.65);
    expect(bucket("b", "0.1")).toBe(0);
    expect(bucket("b", "+Inf")).toBe(1);
    const les = p.samples
      .filter((s) => s.name === "lat_seconds_bucket" && s.labels.route === "a")
      .map((s) => s.value);
    expect(les).toEqual([...les].sort((x, y) => x - y));
  });

  test("callback gauges are read at scrape time; a failing one is left out", () => {
    const r = new Registry();
    let n = 1;
    r.callbackGauge("live", "Live.").collect(() => n);
    r.callbackGauge("broken", "Broken.").collect(() => {
      throw new Error("source down");
    });
    r.callbackGauge("unset", "Not wired yet.");
    expect(find(parse(r.expose()), "live")).toBe(1);
    n = 4;
    const p = parse(r.expose());
    expect(find(p, "live")).toBe(4);
    expect(p.samples.some((s) => s.name === "broken" || s.name === "unset")).toBe(false);
  });

  test("refuses what would make an invalid exposition", () => {
    const r = new Registry();
    expect(() => r.counter("bad-name", "x")).toThrow();
    expect(() => r.counter("ok_total", "x", ["__reserved"])).toThrow();
    expect(() => r.histogram("h", "x", [1, 1])).toThrow();
    expect(() => r.histogram("h2", "x", [1], ["le"])).toThrow();
    const c = r.counter("c_total", "x");
    expect(() => c.inc({}, -1)).toThrow(RangeError);
    expect(() => r.counter("c_total", "again")).toThrow();
  });
});

describe("rabbithole metrics", () => {
  test("the whole set, with callbacks wired", () => {
    const m = createRabbitholeMetrics();
    m.inFlight.collect(() => 2);
    m.budgetLeft.collect(() => 4.25);
    let role: "primary" | "replica" = "primary";
    m.watchRole(() => role);
    m.request("hit", 200, 0.0004);
    m.request("generated", 200, 12);
    m.request("refused", 429, 0.001);
    m.upstreamErrors.inc({ kind: "overloaded" });
    const usage = { ...ZERO_USAGE, inputTokens: 1200, outputTokens: 3000, cacheReadTokens: 50 };
    m.generation("claude-sonnet-4-6", "ok", usage, 0.0486);
    m.generation("claude-sonnet-4-6", "error", { ...ZERO_USAGE, inputTokens: 100 }, 0.0003);
    let p = parse(m.registry.expose());
    expect(find(p, "rabbithole_requests_total", { outcome: "refused", status: "429" })).toBe(1);
    expect(find(p, "rabbithole_request_duration_seconds_count", { outcome: "hit" })).toBe(1);
    expect(
      find(p, "rabbithole_request_duration_seconds_bucket", { outcome: "hit", le: "0.001" }),
    ).toBe(1);
    const model = "claude-sonnet-4-6";
    expect(find(p, "rabbithole_generations_total", { model, outcome: "ok" })).toBe(1);
    expect(find(p, "rabbithole_tokens_total", { model, kind: "input" })).toBe(1300);
    expect(find(p, "rabbithole_tokens_total", { model, kind: "cache_read" })).toBe(50);
    expect(find(p, "rabbithole_cost_usd_total", { model })).toBeCloseTo(0.0489);
    expect(find(p, "rabbithole_upstream_errors_total", { kind: "overloaded" })).toBe(1);
    expect(find(p, "rabbithole_generations_in_flight")).toBe(2);
    expect(find(p, "rabbithole_budget_left_usd")).toBe(4.25);
    expect(find(p, "rabbithole_role", { role: "primary" })).toBe(1);
    expect(find(p, "rabbithole_role", { role: "replica" })).toBe(0);
    role = "replica";
    m.budgetLeft.collect(() => null);
    p = parse(m.registry.expose());
    expect(find(p, "rabbithole_role", { role: "replica" })).toBe(1);
    expect(find(p, "rabbithole_budget_left_usd")).toBeUndefined();
    for (const name of [
      "rabbithole_requests_total",
      "rabbithole_request_duration_seconds",
      "rabbithole_generations_total",
      "rabbithole_tokens_total",
      "rabbithole_cost_usd_total",
      "rabbithole_upstream_errors_total",
      "rabbithole_generations_in_flight",
      "rabbithole_budget_left_usd",
      "rabbithole_role",
    ]) {
      expect(p.type.has(name)).toBe(true);
      expect(p.help.get(name)?.length).toBeGreaterThan(0);
    }
  });
});

describe("metrics server", () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  test("answers /metrics in the text format, 404 elsewhere", async () => {
    const m = createRabbitholeMetrics();
    m.request("hit", 200, 0.01);
    const srv = startMetricsServer(0, "127.0.0.1", m.registry);
    stop = srv.stop;
    expect(srv.port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${srv.port}`;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const p = parse(await res.text());
    expect(find(p, "rabbithole_requests_total", { outcome: "hit", status: "200" })).toBe(1);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics/x`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  test("an HTTP/1.0 scrape without Host is answered too", async () => {
    const srv = startMetricsServer(0, "127.0.0.1", new Registry());
    stop = srv.stop;
    const r = await rawRequest(srv.port, "GET /metrics HTTP/1.0\r\n\r\n");
    expect(r.statuses).toEqual([200]);
  });
});
