// The small Prometheus registry against the text exposition format 0.0.4
// (prometheus.io/docs/instrumenting/exposition_formats): HELP and TYPE per family, labels and
// their escaping, histograms' cumulative buckets with +Inf, _sum and _count, Go float syntax.

import { describe, expect, test } from "bun:test";
import { escapeLabel, Registry } from "../../src/ops/metrics-registry.ts";

describe("exposition", () => {
  test("a family is HELP, TYPE, then its samples; an unlabelled metric shows 0 before any update", () => {
    const r = new Registry();
    r.counter("app_requests_total", "Requests answered.");
    const g = r.gauge("app_pages", "Pages cached.");
    g.set({}, 7);
    g.inc({}, -2);
    expect(r.expose()).toBe(
      "# HELP app_requests_total Requests answered.\n# TYPE app_requests_total counter\napp_requests_total 0\n" +
        "# HELP app_pages Pages cached.\n# TYPE app_pages gauge\napp_pages 5\n",
    );
  });

  test("labelled series appear once seen, in first-seen order, labels in declared order", () => {
    const r = new Registry();
    const c = r.counter("http_total", "Responses.", ["status", "method"]);
    expect(r.expose()).toBe("# HELP http_total Responses.\n# TYPE http_total counter\n");
    c.inc({ method: "GET", status: "200" });
    c.inc({ method: "HEAD", status: "304" }, 2);
    c.inc({ status: "200", method: "GET" }, 0.5);
    expect(r.expose().split("\n").slice(2)).toEqual([
      'http_total{status="200",method="GET"} 1.5',
      'http_total{status="304",method="HEAD"} 2',
      "",
    ]);
  });

  test("label values escape backslash, quote and newline; HELP escapes backslash and newline only", () => {
    expect(escapeLabel('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const r = new Registry();
    r.gauge("x", 'say "hi"\\now\nplease', ["path"]).set({ path: '/"a"\n' }, 1);
    expect(r.expose()).toBe(
      '# HELP x say "hi"\\\\now\\nplease\n# TYPE x gauge\nx{path="/\\"a\\"\\n"} 1\n',
    );
  });

  test("histogram: cumulative buckets by 'less than or equal', +Inf, then _sum and _count", () => {
    const r = new Registry();
    const h = r.histogram("latency_seconds", "Latency.", [0.1, 1], ["route"]);
    for (const v of [0.05, 0.1, 0.5, 3]) h.observe({ route: "page" }, v);
    expect(r.expose().split("\n").slice(2, -1)).toEqual([
      'latency_seconds_bucket{route="page",le="0.1"} 2',
      'latency_seconds_bucket{route="page",le="1"} 3',
      'latency_seconds_bucket{route="page",le="+Inf"} 4',
      'latency_seconds_sum{route="page"} 3.65',
      'latency_seconds_count{route="page"} 4',
    ]);
  });

  test("a series resolved once (labels()) counts into the same sample, shown from then on", () => {
    const r = new Registry();
    const c = r.counter("hits_total", "Hits.", ["outcome"]);
    const h = r.histogram("t_seconds", "T.", [1], ["outcome"]);
    const hit = c.labels({ outcome: "hit" });
    const hitTime = h.labels({ outcome: "hit" });
    expect(r.expose()).toContain('hits_total{outcome="hit"} 0');
    hit.inc();
    c.inc({ outcome: "hit" }, 2);
    hitTime.observe(0.5);
    h.observe({ outcome: "hit" }, 2);
    expect(r.expose()).toContain('hits_total{outcome="hit"} 3');
    expect(r.expose()).toContain('t_seconds_bucket{outcome="hit",le="1"} 1');
    expect(r.expose()).toContain('t_seconds_count{outcome="hit"} 2');
    expect(() => hit.inc(-1)).toThrow("a counter only goes up (got -1)");
  });

  test("callback gauges are read at scrape time; a throwing source drops only its own samples", () => {
    const r = new Registry();
    let n = 1;
    r.callbackGauge("live", "Live.").collect(() => n);
    r.callbackGauge("by_role", "By role.", ["role"]).collect(() => [
      { labels: { role: "primary" }, value: Number.POSITIVE_INFINITY },
    ]);
    r.callbackGauge("broken", "Broken.").collect(() => {
      throw new Error("db gone");
    });
    r.callbackGauge("unset", "Never given a source.");
    n = 2;
    expect(r.expose()).toBe(
      "# HELP live Live.\n# TYPE live gauge\nlive 2\n" +
        '# HELP by_role By role.\n# TYPE by_role gauge\nby_role{role="primary"} +Inf\n' +
        "# HELP broken Broken.\n# TYPE broken gauge\n" +
        "# HELP unset Never given a source.\n# TYPE unset gauge\n",
    );
  });

  test("Go float syntax: NaN, +Inf, -Inf", () => {
    const r = new Registry();
    r.callbackGauge("f", "F.", ["v"]).collect(() => [
      { labels: { v: "nan" }, value: Number.NaN },
      { labels: { v: "neg" }, value: Number.NEGATIVE_INFINITY },
    ]);
    expect(r.expose()).toContain('f{v="nan"} NaN\nf{v="neg"} -Inf\n');
  });
});

describe("what the format forbids is refused at registration or update", () => {
  test("names, label names, reserved labels, duplicate families, bad buckets", () => {
    const r = new Registry();
    expect(() => r.counter("1bad", "x")).toThrow('invalid metric name "1bad"');
    expect(() => r.counter("ok_name", "x", ["bad-label"])).toThrow(
      'invalid label name "bad-label"',
    );
    expect(() => r.counter("ok_name2", "x", ["__reserved"])).toThrow("invalid label name");
    expect(() => r.histogram("h", "x", [1], ["le"])).toThrow('"le" is reserved');
    expect(() => r.histogram("h2", "x", [1, 1])).toThrow("strictly increasing");
    expect(() => r.histogram("h3", "x", [])).toThrow("strictly increasing");
    expect(() => r.histogram("h4", "x", [1, Number.POSITIVE_INFINITY])).toThrow("finite");
    r.gauge("dup", "x");
    expect(() => r.counter("dup", "x")).toThrow('metric "dup" registered twice');
  });

  test("a counter only goes up; a missing label is an error, not an empty value", () => {
    const r = new Registry();
    const c = r.counter("c_total", "x", ["a"]);
    expect(() => c.inc({ a: "1" }, -1)).toThrow("a counter only goes up (got -1)");
    expect(() => c.inc({ a: "1" }, Number.NaN)).toThrow("only goes up");
    expect(() => c.inc({} as { a: string })).toThrow('label "a" is missing');
    expect(r.expose()).not.toContain("c_total{");
  });
});
