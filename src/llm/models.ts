// What each Claude model accepts, by its id: whether a final assistant turn (prefill) may carry
// on a page, and which thinking settings it takes. Sources, read 2026-12-01: the models' overview
// and "what's new" pages (platform.claude.com/docs/en/models/<model>/…), the prefill refusal on
// claude-sonnet-4-6 (snap-stanford/Biomni#284), and the SDK 1.12.0 types (ThinkingConfigParam,
// OutputConfig.effort).

export const EFFORTS = ["low", "medium", "high", "xhigh", "max"] as const;
export type Effort = (typeof EFFORTS)[number];

/** A request's thinking fields: spread into the Messages params as they are. */
export interface ThinkingParams {
  thinking?: { type: "disabled" } | { type: "between_tools" } | { type: "adaptive" };
  output_config?: { effort: Effort };
}

export interface ModelTraits {
  /** The family version as a number (4.6, 5.5), or null for an id that is not a Claude alias. */
  version: number | null;
  /** Accepts a final assistant turn: 4.5 and earlier do; 4.6 and every 5.x refuse it (400). */
  prefill: boolean;
  /** Takes `thinking: {type: "adaptive"}` with an effort: 4.6 on. */
  adaptive: boolean;
  /** The least thinking the model allows, for a request that asked for no effort. */
  leastThinking: ThinkingParams;
}

// claude-sonnet-5-5, claude-opus-4-6-20260101, us.anthropic.claude-haiku-4-5-v1:0; the minor is
// one digit so that a snapshot date is never read as one.
const VERSION = /claude-(opus|sonnet|haiku|fable|mythos)-(\d+)(?:-(\d))?(?!\d)/;

export function traitsOf(model: string): ModelTraits {
  const m = VERSION.exec(model.trim().toLowerCase());
  if (!m) {
    // Not a Claude alias (a local model behind an Anthropic-compatible API): as before.
    return { version: null, prefill: true, adaptive: false, leastThinking: {} };
  }
  const family = m[1] as string;
  const version = Number(m[2]) + Number(m[3] ?? 0) / 10;
  return {
    version,
    prefill: version < 4.6,
    adaptive: version >= 4.6,
    leastThinking: leastThinking(family, version),
  };
}

function leastThinking(family: string, version: number): ThinkingParams {
  // 4.x models think only when asked: send nothing.
  if (version < 5) return {};
  // Sonnet 5.5: `disabled` is a 400; `between_tools` is its lowest setting (no up-front
  // thinking; notes between tool calls only), valid at low, medium and high effort.
  if (family === "sonnet" && version === 5.5) return { thinking: { type: "between_tools" } };
  // Opus 5.5 and the Fable/Mythos models always think: the lowest effort is the least.
  if ((family === "opus" && version === 5.5) || family === "fable" || family === "mythos") {
    return { output_config: { effort: "low" } };
  }
  // Sonnet 5, Opus 5, Haiku 5.5 accept `disabled` (Opus 5 at effort high or lower: its default).
  if (version < 6) return { thinking: { type: "disabled" } };
  // A later model this table does not know: its own default.
  return {};
}

/** The thinking fields of every request to `model`: the least thinking, or adaptive at `effort`. */
export function thinkingFor(model: string, effort: Effort | null): ThinkingParams {
  const traits = traitsOf(model);
  if (effort === null) return traits.leastThinking;
  return { thinking: { type: "adaptive" }, output_config: { effort } };
}

/**
 * End-of-life dates of deprecated models: a copy of the SDK's own list
 * (@anthropic-ai/sdk 1.12.0, internal/data/deprecated-models.ts, which the package does not
 * export); test/llm/models.test.ts fails when the installed SDK's list differs.
 */
export const RETIREMENTS: Readonly<Record<string, string>> = Object.freeze({
  "claude-mythos-preview": "2026-06-30",
  "claude-sonnet-4-5": "2026-11-30",
  "claude-sonnet-4-5-20250929": "2026-11-30",
});

/** The start-up warning for a deprecated or retired `model` on `today` (YYYY-MM-DD), or null. */
export function retirementWarning(model: string, today: string): string | null {
  const id = model.trim().toLowerCase();
  const date = Object.hasOwn(RETIREMENTS, id) ? RETIREMENTS[id] : undefined;
  if (!date) return null;
  return date <= today
    ? `model "${model}" was retired on ${date}: its requests fail; choose a current model with --model`
    : `model "${model}" is deprecated and retires on ${date}: choose a current model with --model`;
}
