// What an operator sees of a running server: JSON log lines and the Prometheus endpoint.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, freePort, type Served, startServer } from "../fixtures/process.ts";

const SECRET = "sk-ant-api03-very-secret-key-000000";
let dir = "";
let served: Served;
let metricsPort = 0;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rabbithole-obs-"));
  metricsPort = freePort();
  const args = ["--offline", "--metrics-port", String(metricsPort), "--log-format", "json"];
  served = await startServer(
    CLI,
    args,
    {
      RABBITHOLE_SEED: "a site about owls",
      DATABASE_URL: join(dir, "site.db"),
      ANTHROPIC_API_KEY: SECRET,
    },
    dir,
  );
  await (await fetch(`${served.url}/`)).text();
  await (await fetch(`${served.url}/`, { headers: { "fly-request-id": "01FLYREQ" } })).text();
  await (await fetch(`${served.url}/nowhere.html?token=abc`)).text();
  // The last request's log line is written after its response has gone out.
  await served.waitFor('"path":"/nowhere.html"');
});
afterAll(async () => {
  served.proc.kill("SIGTERM");
  await served.proc.exited;
  rmSync(dir, { recursive: true, force: true });
});

const lines = () =>
  served
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("logs", () => {
  test("one JSON line per request with id, method, path, status, duration and outcome", () => {
    const requests = lines().filter((l) => l.msg === "request");
    const outcomes = requests.map((l) => [l.path, l.status, l.outcome]);
    expect(outcomes).toContainEqual(["/", 200, "generated"]);
    expect(outcomes).toContainEqual(["/", 200, "hit"]);
    expect(outcomes).toContainEqual(["/nowhere.html", 404, "not_found"]);
    for (const l of requests) {
      expect(typeof l.id).toBe("string");
      expect(l.method).toBe("GET");
      expect(typeof l.ms).toBe("number");
      expect(typeof l.time).toBe("string");
    }
    expect(requests.map((l) => l.id)).toContain("01FLYREQ");
  });

  test("one line per generation with model, tokens, cost, rounds, timings and outcome", () => {
    const gen = lines().find((l) => l.msg === "generation");
    expect(gen).toMatchObject({ key: "/", model: "offline", outcome: "ok", costUsd: 0, rounds: 1 });
    for (const field of ["inputTokens", "outputTokens", "firstTokenMs", "totalMs"]) {
      expect(typeof gen?.[field]).toBe("number");
    }
  });

  test("never a secret: no API key, no query string", () => {
    expect(served.output()).not.toContain(SECRET);
    expect(served.output()).not.toContain("token=abc");
  });
});

describe("metrics", () => {
  test("Prometheus text on its own port: requests, generations, in flight, role", async () => {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const value = (series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    expect(value('rabbithole_requests_total{outcome="hit",status="200"}')).toBe(1);
    expect(value('rabbithole_requests_total{outcome="generated",status="200"}')).toBe(1);
    expect(value('rabbithole_requests_total{outcome="not_found",status="404"}')).toBe(1);
    expect(value('rabbithole_generations_total{model="offline",outcome="ok"}')).toBe(1);
    expect(value("rabbithole_generations_in_flight")).toBe(0);
    expect(value('rabbithole_role{role="primary"}')).toBe(1);
    expect(text).toContain("# TYPE rabbithole_request_duration_seconds histogram");
    // The public port does not expose them.
    expect((await fetch(`${served.url}/metrics`)).status).toBe(404);
  });
});
