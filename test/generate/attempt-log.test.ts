// What the operator is told about each finished attempt: the `generation` line (info when a page
// was stored, warn otherwise, with the error), and which key to check when the upstream rejects it.

import { expect, test } from "bun:test";
import { UpstreamError } from "../../src/core/errors.ts";
import { ZERO_USAGE } from "../../src/core/types.ts";
import { logAttempt } from "../../src/generate/attempt-log.ts";
import type { GenerationEvent } from "../../src/generate/run.ts";
import { memoryLogger } from "../fixtures/site.ts";

const event = (o: Partial<GenerationEvent> = {}): GenerationEvent => ({
  key: "/",
  model: "claude-sonnet-4-6",
  outcome: "ok",
  usage: { ...ZERO_USAGE, inputTokens: 10, outputTokens: 20, webSearches: 1 },
  costUsd: 0.01,
  rounds: 1,
  firstTokenMs: 5,
  totalMs: 50,
  error: null,
  stored: true,
  ...o,
});

test("a stored page: one info line with its usage, cost and timings", () => {
  const logger = memoryLogger();
  logAttempt(logger, "anthropic", "/a.html", { ok: true } as never, event());
  expect(logger.lines).toEqual([
    {
      level: "info",
      args: [
        "generation",
        {
          key: "/a.html",
          model: "claude-sonnet-4-6",
          outcome: "ok",
          inputTokens: 10,
          outputTokens: 20,
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
          webSearches: 1,
          costUsd: 0.01,
          rounds: 1,
          firstTokenMs: 5,
          totalMs: 50,
        },
      ],
    },
  ]);
});

test("a failure warns with its error; a ledger row the database refused says stored: false", () => {
  const logger = memoryLogger();
  const error = new UpstreamError(
    "Anthropic API 529 overloaded_error: busy",
    "overloaded",
    ZERO_USAGE,
    1,
  );
  logAttempt(
    logger,
    "anthropic",
    "/",
    { ok: false, kind: "failed", reason: "r" },
    event({ outcome: "error", error, stored: false }),
  );
  expect(logger.lines[0]?.level).toBe("warn");
  expect(logger.lines[0]?.args[1]).toMatchObject({ error: error.message, stored: false });
  const noError = memoryLogger();
  logAttempt(
    noError,
    "anthropic",
    "/",
    { ok: false, kind: "failed", reason: "The page was cut off." },
    event({ outcome: "incomplete" }),
  );
  expect(noError.lines[0]?.args[1]).toMatchObject({ error: "The page was cut off." });
});

test("a rejected API key names the variable to check, per provider", () => {
  for (const [provider, variable] of [
    ["anthropic", "ANTHROPIC_API_KEY"],
    ["openai", "OPENAI_API_KEY"],
  ] as const) {
    const logger = memoryLogger();
    const error = new UpstreamError("401 invalid x-api-key", "auth", ZERO_USAGE, 1);
    logAttempt(
      logger,
      provider,
      "/",
      { ok: false, kind: "unavailable", reason: "r" },
      event({ outcome: "error", error }),
    );
    expect(logger.lines[0]?.level).toBe("error");
    expect(String(logger.lines[0]?.args[0])).toContain(
      `rejected the API key: check ${variable}; new pages are refused with 503`,
    );
    expect(logger.lines[0]?.args[1]).toEqual({ key: "/", error: "401 invalid x-api-key" });
    expect(logger.lines[1]?.level).toBe("warn");
  }
});
