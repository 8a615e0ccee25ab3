// The public-facing options: each flag beats its environment twin, which beats the default, and
// a bad value is named together with where it came from.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveOpsConfig } from "../../src/config/config.ts";
import { STRICT_CSP } from "../../src/config/parse.ts";
import type { Env, Flags } from "../../src/config/values.ts";
import { usageError } from "../fixtures/usage.ts";

const resolve = (flags: Flags = {}, env: Env = {}) => resolveOpsConfig(flags, env);

type Field = keyof ReturnType<typeof resolve>;
type Value = string | number | null | undefined;

describe("flag > environment > default", () => {
  const cases: [string, string, Field, string, Value, string, Value, Value][] = [
    ["log-level", "RABBITHOLE_LOG_LEVEL", "logLevel", "debug", "debug", "warn", "warn", undefined],
    [
      "log-format",
      "RABBITHOLE_LOG_FORMAT",
      "logFormat",
      "json",
      "json",
      "pretty",
      "pretty",
      "auto",
    ],
    ["metrics-port", "RABBITHOLE_METRICS_PORT", "metricsPort", "9091", 9091, "9092", 9092, null],
    [
      "bot-policy",
      "RABBITHOLE_BOT_POLICY",
      "botPolicy",
      "deny",
      "deny",
      "allow",
      "allow",
      "cached",
    ],
    ["rate-limit", "RABBITHOLE_RATE_LIMIT", "ratePerMinute", "0.5", 0.5, "0", 0, 6],
    ["rate-burst", "RABBITHOLE_RATE_BURST", "rateBurst", "2", 2, "9", 9, 4],
    ["max-concurrent", "RABBITHOLE_MAX_CONCURRENT", "maxConcurrent", "3", 3, "5", 5, 8],
    ["queue", "RABBITHOLE_QUEUE", "queue", "0", 0, "4", 4, 16],
    [
      "csp",
      "RABBITHOLE_CSP",
      "csp",
      "strict",
      STRICT_CSP,
      "default-src 'self'",
      "default-src 'self'",
      null,
    ],
    ["cache-mb", "RABBITHOLE_CACHE_MB", "cacheMb", "0", 0, "64", 64, 32],
  ];
  for (const [flag, envName, field, flagRaw, fromFlag, envRaw, fromEnv, fallback] of cases) {
    test(`--${flag} beats ${envName}, which beats ${String(fallback)}`, () => {
      const env = { [envName]: envRaw };
      expect(resolve({ [flag]: flagRaw }, env)[field]).toEqual(fromFlag);
      expect(resolve({}, env)[field]).toEqual(fromEnv);
      expect(resolve()[field]).toEqual(fallback);
    });
  }

  test("--robots-file beats RABBITHOLE_ROBOTS_FILE, and is read at start-up", () => {
    const dir = mkdtempSync(join(tmpdir(), "rabbithole-ops-"));
    try {
      const a = join(dir, "a.txt");
      const b = join(dir, "b.txt");
      writeFileSync(a, "User-agent: *\nDisallow: /a\n");
      writeFileSync(b, "User-agent: *\nDisallow: /b\n");
      const env = { RABBITHOLE_ROBOTS_FILE: b };
      expect(resolve({ "robots-file": a }, env).robotsTxt).toContain("/a");
      expect(resolve({}, env).robotsTxt).toContain("/b");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("Fly-Client-IP is trusted only on Fly", () => {
    expect(resolve().behindFly).toBe(false);
    expect(resolve({}, { FLY_APP_NAME: "rabbithole" }).behindFly).toBe(true);
  });
});

describe("bad values are named with where they came from", () => {
  const cases: [Flags, Env, string][] = [
    [{ "log-level": "loud" }, {}, '--log-level "loud" is not a log level'],
    [
      {},
      { RABBITHOLE_LOG_LEVEL: "loud" },
      'RABBITHOLE_LOG_LEVEL="loud" (environment) is not a log',
    ],
    [{ "log-format": "xml" }, {}, '--log-format "xml" is not a log format'],
    [{}, { RABBITHOLE_LOG_FORMAT: "xml" }, 'RABBITHOLE_LOG_FORMAT="xml" (environment) is not'],
    [{ "metrics-port": "0" }, {}, '--metrics-port "0" is not'],
    [{}, { RABBITHOLE_METRICS_PORT: "70000" }, 'RABBITHOLE_METRICS_PORT="70000" (environment)'],
    [{ "bot-policy": "some" }, {}, '--bot-policy "some": '],
    [{ "rate-limit": "-1" }, {}, '--rate-limit "-1" is not a rate of new pages per minute'],
    [{ "rate-burst": "0" }, {}, '--rate-burst "0" is not'],
    [{ "max-concurrent": "0" }, {}, '--max-concurrent "0" is not'],
    [{}, { RABBITHOLE_QUEUE: "-1" }, 'RABBITHOLE_QUEUE="-1" (environment) is not'],
    [{ csp: " " }, {}, '--csp " " is not a CSP header value'],
    [{ "robots-file": "/no/such/robots.txt" }, {}, '--robots-file "/no/such/robots.txt" cannot'],
    [{}, { RABBITHOLE_ADMIN_TOKEN: "short" }, "RABBITHOLE_ADMIN_TOKEN is too short"],
  ];
  for (const [flags, env, message] of cases) {
    test(message, () => {
      expect(usageError(() => resolve(flags, env)).message).toStartWith(message);
    });
  }

  test("the admin token is never echoed", () => {
    expect(
      usageError(() => resolve({}, { RABBITHOLE_ADMIN_TOKEN: "hunter2" })).message,
    ).not.toContain("hunter2");
  });
});
