// One log line per request, saying how it was served: every outcome an operator filters on.

import { afterEach, describe, expect, test } from "bun:test";
import type { Role } from "../../../src/core/role.ts";
import type { RequestLine } from "../../../src/core/types.ts";
import { observe } from "../../../src/http/respond/access.ts";
import { createRabbitholeMetrics } from "../../../src/ops/metrics.ts";
import { htmlDoc, pageReply } from "../../fixtures/fake-anthropic.ts";
import {
  keyOf,
  memoryLogger,
  type Site,
  type SiteOptions,
  startSite,
} from "../../fixtures/site.ts";

const HOME = pageReply(htmlDoc("Home"), [
  { url: "/a.html", prompt: "A" },
  { url: "/b.html", prompt: "B" },
]);

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

function open(opts: SiteOptions = {}): Site {
  site = startSite({
    handler: (body) => ({
      text: keyOf(body) === "/" ? HOME : pageReply(htmlDoc(keyOf(body))),
      chunkSize: 10,
      chunkDelayMs: 5,
    }),
    ...opts,
  });
  return site;
}

type Line = RequestLine;
/** The request lines so far. The in-process logger is told synchronously, before the reply. */
const requestLines = (s: Site): Line[] =>
  s.logger.lines.filter((l) => l.args[0] === "request").map((l) => l.args[1] as Line);
const last = (s: Site): Line => requestLines(s).at(-1) as Line;

describe("how a request was served", () => {
  test("generated, hit, joined, not_found, each with method, path, status and duration", async () => {
    const s = open();
    expect((await s.get("/")).status).toBe(200);
    expect(last(s)).toMatchObject({ method: "GET", path: "/", status: 200, outcome: "generated" });
    await s.get("/");
    expect(last(s)).toMatchObject({ path: "/", status: 200, outcome: "hit" });
    const [first, second] = await Promise.all([s.get("/a.html"), s.get("/a.html")]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(s.fake.calls).toBe(2);
    const outcomes = requestLines(s)
      .filter((l) => l.path === "/a.html")
      .map((l) => l.outcome)
      .sort();
    expect(outcomes).toEqual(["generated", "joined"]);
    await s.get("/nowhere.html");
    expect(last(s)).toMatchObject({ status: 404, outcome: "not_found" });
    for (const l of requestLines(s)) {
      expect(typeof l.ms).toBe("number");
      expect(l.ms).toBeGreaterThanOrEqual(0);
    }
  });

  test("refused: a crawler, and a page the budget cannot pay for", async () => {
    const s = open({ ops: { botPolicy: "cached" }, maxCostUsd: 0 });
    await s.get("/", { headers: { "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1)" } });
    expect(last(s)).toMatchObject({ path: "/", status: 503, outcome: "refused" });
    await s.get("/");
    expect(last(s)).toMatchObject({ path: "/", status: 503, outcome: "refused" });
    expect(s.fake.calls).toBe(0);
  });

  test("replayed: a replica hands misses to the primary, and the loop guard says so too", async () => {
    let role: Role = { primary: true };
    const s = open({ cluster: { role: () => role } });
    await s.get("/");
    role = { primary: false, host: "machine-a1" };
    await s.get("/");
    expect(last(s)).toMatchObject({ path: "/", status: 200, outcome: "hit" });
    await s.get("/b.html");
    expect(last(s)).toMatchObject({ path: "/b.html", status: 409, outcome: "replayed" });
    await s.get("/b.html", { headers: { "fly-replay-src": "instance=machine-b2" } });
    expect(last(s)).toMatchObject({ path: "/b.html", status: 503, outcome: "replayed" });
    expect(s.fake.calls).toBe(1);
  });
});

describe("request ids", () => {
  test("Fly's id is kept; a made-up one is unique per request", async () => {
    const s = open();
    await s.get("/nowhere.html", { headers: { "fly-request-id": "01JABCDEF0123456789-ams" } });
    expect(last(s).id).toBe("01JABCDEF0123456789-ams");
    await s.get("/nowhere.html");
    await s.get("/nowhere.html");
    const [a, b] = requestLines(s)
      .slice(-2)
      .map((l) => l.id);
    expect(a).not.toBe(b);
  });

  test("a huge or odd fly-request-id is not copied into the log", async () => {
    const s = open();
    for (const id of ["r".repeat(10_000), "a b", "<script>", ""]) {
      await s.get("/nowhere.html", { headers: { "fly-request-id": id } });
      const got = last(s).id;
      expect(got).not.toBe(id);
      expect(got.length).toBeGreaterThan(0);
      expect(got.length).toBeLessThanOrEqual(64);
    }
  });

  test("the path is logged without its query string, and bounded", async () => {
    const s = open();
    await s.get(`/${"x".repeat(900)}.html?token=secret`);
    expect(last(s).path).not.toContain("secret");
    await s.get(`/${"y".repeat(2000)}`);
    expect(last(s)).toMatchObject({ status: 414 });
    expect(last(s).path.length).toBeLessThanOrEqual(512);
  });
});

describe("observe on its own", () => {
  const visit = (path: string, headers: Record<string, string> = {}) => ({
    req: new Request(`http://rabbithole.test${path}`, { method: "HEAD", headers }),
    path,
    server: undefined,
    started: 0,
    outcome: "hit" as const,
  });

  test("the cheap request() line when the logger has one, info() otherwise; ms to 0.01", () => {
    const lines: RequestLine[] = [];
    const fast = { ...memoryLogger(), request: (l: RequestLine) => lines.push(l) };
    observe(fast, undefined, visit("/a.html"), new Response(null, { status: 304 }), 1.23456);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: "HEAD", path: "/a.html", status: 304, ms: 1.23 });
    expect(fast.lines).toHaveLength(0);
    const plain = memoryLogger();
    observe(plain, undefined, visit("/a.html"), new Response(), 0.5);
    expect(plain.lines).toEqual([
      { level: "info", args: ["request", expect.objectContaining({ outcome: "hit", ms: 0.5 })] },
    ]);
  });

  test("each request is counted by outcome and status, its duration in seconds", () => {
    const metrics = createRabbitholeMetrics();
    observe(memoryLogger(), metrics, visit("/a.html"), new Response(null, { status: 200 }), 250);
    const text = metrics.registry.expose();
    expect(text).toContain('rabbithole_requests_total{outcome="hit",status="200"} 1');
    expect(text).toContain('rabbithole_request_duration_seconds_bucket{outcome="hit",le="0.25"} 1');
    expect(text).toContain('rabbithole_request_duration_seconds_bucket{outcome="hit",le="0.1"} 0');
  });

  test("an id of 128 safe characters is Fly's; one more and it is ours", () => {
    const lines: RequestLine[] = [];
    const log = { ...memoryLogger(), request: (l: RequestLine) => lines.push(l) };
    const ok = "a".repeat(128);
    observe(log, undefined, visit("/", { "fly-request-id": ok }), new Response(), 1);
    observe(log, undefined, visit("/", { "fly-request-id": `${ok}a` }), new Response(), 1);
    expect(lines[0]?.id).toBe(ok);
    expect(lines[1]?.id).not.toContain("aaaa");
  });
});
