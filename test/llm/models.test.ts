// What rabbithole believes each model accepts, the effort option, and the retirement list.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolveServeConfig } from "../../src/config/config.ts";
import { RETIREMENTS, retirementWarning, thinkingFor, traitsOf } from "../../src/llm/models.ts";
import { usageError } from "../fixtures/usage.ts";

describe("traits by model id", () => {
  test("prefill up to 4.5, refused from 4.6 on, snapshots and provider ids included", () => {
    for (const id of [
      "claude-haiku-4-5",
      "claude-opus-4-5-20251101",
      "claude-3-5-sonnet-20241022",
    ]) {
      expect(traitsOf(id).prefill).toBe(true);
    }
    for (const id of [
      "claude-sonnet-4-6",
      "claude-opus-4-8",
      "claude-sonnet-5",
      "claude-sonnet-5-5",
      "claude-haiku-5-5",
      "us.anthropic.claude-opus-4-6-v1:0",
      "claude-sonnet-6",
    ]) {
      expect(traitsOf(id).prefill).toBe(false);
    }
    // Not a Claude alias (a local model behind a compatible API): as before.
    expect(traitsOf("qwen3:8b")).toMatchObject({ version: null, prefill: true });
  });

  test("the least thinking each model allows", () => {
    expect(thinkingFor("claude-sonnet-4-6", null)).toEqual({});
    expect(thinkingFor("claude-haiku-4-5", null)).toEqual({});
    expect(thinkingFor("claude-sonnet-5-5", null)).toEqual({ thinking: { type: "between_tools" } });
    expect(thinkingFor("claude-opus-5-5", null)).toEqual({ output_config: { effort: "low" } });
    for (const id of ["claude-sonnet-5", "claude-opus-5", "claude-haiku-5-5"]) {
      expect(thinkingFor(id, null)).toEqual({ thinking: { type: "disabled" } });
    }
  });

  test("an effort asks for adaptive thinking at that effort", () => {
    expect(thinkingFor("claude-sonnet-5-5", "xhigh")).toEqual({
      thinking: { type: "adaptive" },
      output_config: { effort: "xhigh" },
    });
  });
});

describe("retirements", () => {
  test("the copy matches the installed SDK's list", () => {
    const src = readFileSync(
      "node_modules/@anthropic-ai/sdk/src/internal/data/deprecated-models.ts",
      "utf8",
    );
    const sdk = Object.fromEntries(
      [...src.matchAll(/'([^']+)':\s*'(\w+) (\d+)\w*, (\d{4})'/g)].map(
        ([, id, month, day, year]) => [
          id,
          new Date(`${month} ${day}, ${year} UTC`).toISOString().slice(0, 10),
        ],
      ),
    );
    expect(Object.keys(sdk).length).toBeGreaterThan(0);
    expect(RETIREMENTS).toEqual(sdk);
  });

  test("a deprecated id warns with its date; a retired one says so; others say nothing", () => {
    expect(retirementWarning("claude-sonnet-4-5", "2026-11-01")).toContain("retires on 2026-11-30");
    expect(retirementWarning("claude-sonnet-4-5", "2026-12-01")).toContain("retired on 2026-11-30");
    expect(retirementWarning("claude-sonnet-5-5", "2026-12-01")).toBeNull();
    expect(retirementWarning("my-local-model", "2026-12-01")).toBeNull();
  });
});

describe("--effort", () => {
  const KEY = { ANTHROPIC_API_KEY: "sk-ant-test" };
  test("takes the five levels, from the flag or the environment", () => {
    for (const level of ["low", "medium", "high", "xhigh", "max"]) {
      expect(resolveServeConfig({ effort: level }, KEY).effort).toBe(level as never);
      expect(resolveServeConfig({}, { ...KEY, RABBITHOLE_EFFORT: level }).effort).toBe(
        level as never,
      );
    }
  });

  test("a bad value is a usage error naming it", () => {
    const err = usageError(() => resolveServeConfig({ effort: "extreme" }, KEY));
    expect(err.message).toContain('--effort "extreme"');
    expect(err.message).toContain("low, medium, high, xhigh, max");
    const env = usageError(() => resolveServeConfig({}, { ...KEY, RABBITHOLE_EFFORT: "0" }));
    expect(env.message).toContain("RABBITHOLE_EFFORT");
  });

  test("a model without adaptive thinking refuses an effort at start-up", () => {
    const err = usageError(() =>
      resolveServeConfig({ effort: "high", model: "claude-haiku-4-5" }, KEY),
    );
    expect(err.message).toContain("claude-haiku-4-5");
    expect(resolveServeConfig({ effort: "high", model: "claude-sonnet-4-6" }, KEY).effort).toBe(
      "high",
    );
  });
});
