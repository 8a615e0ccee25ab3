// The Anthropic Messages API as an LlmClient: streams page text, follows pause_turn, continues a
// page cut off by max_tokens, asks the caller before every paid round, and turns every failure
// into an UpstreamError carrying the usage already paid for (the ledger bills it).
//
// A cut-off page is continued by prefill (the partial answer as the final assistant turn) only
// on models that accept it (4.5 and earlier); from 4.6 on that is a 400, so the partial answer
// goes back as an assistant turn followed by a user turn asking to go on, and seam.ts joins the
// two. A pause_turn is resumed on every model by sending the assistant content back as it came,
// thinking blocks with their signatures (models.ts says which model takes what).

import Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlock,
  MessageCreateParamsStreaming,
  MessageParam,
  ToolUnion,
} from "@anthropic-ai/sdk/resources/messages";
import { CONTINUE_PROMPT } from "../contract/prompt.ts";
import { UpstreamError } from "../core/errors.ts";
import {
  type GenerateRequest,
  type GenerateResult,
  type LlmClient,
  type Usage,
  ZERO_USAGE,
} from "../core/types.ts";
import { addUsage, asParams, Round, streamRound, toUpstreamError } from "./anthropic-stream.ts";
import { fitRound } from "./context.ts";
import { TOOL_LIMITS } from "./limits.ts";
import { type Effort, type ThinkingParams, thinkingFor, traitsOf } from "./models.ts";
import { PageText } from "./page-text.ts";
import { DEFAULT_STALL_MS, MAX_CONTINUATIONS } from "./stream-guard.ts";

export interface AnthropicClientOptions {
  apiKey: string;
  /** Base URL without /v1; null or absent lets the SDK read ANTHROPIC_BASE_URL. */
  baseURL?: string | null;
  model: string;
  webTools: boolean;
  /** --effort: adaptive thinking at this effort; null or absent: the least the model allows. */
  effort?: Effort | null;
  /** SDK retries of connection errors, 408, 409, 429 and 5xx before the stream starts. */
  maxRetries?: number;
  /** Longest wait for response headers (the SDK's own timeout; default 10 minutes). */
  timeoutMs?: number;
  /** Longest silence inside a stream before the call counts as stalled (--stall-timeout). */
  stallMs?: number;
  /** --context-tokens: prompt plus output of every call stays within it; null: no bound. */
  contextTokens?: number | null;
}

/** API calls per generation, pause_turn and max_tokens continuations included. */
export const MAX_ROUNDS = 10;

/** Claude's server tools, bounded per call (TOOL_LIMITS) so a round's worst case can be reserved. */
export const WEB_TOOLS: ToolUnion[] = [
  { type: "web_search_20250305", name: "web_search", max_uses: TOOL_LIMITS.searches },
  {
    type: "web_fetch_20250910",
    name: "web_fetch",
    max_uses: TOOL_LIMITS.fetches,
    max_content_tokens: TOOL_LIMITS.fetchTokens,
  },
];

export function createAnthropicClient(opts: AnthropicClientOptions): LlmClient {
  const call: Call = {
    ...opts,
    prefill: traitsOf(opts.model).prefill,
    thinksInText: traitsOf(opts.model).version === null,
    thinking: thinkingFor(opts.model, opts.effort ?? null),
  };
  const sdk = new Anthropic({
    apiKey: opts.apiKey,
    // The SDK falls back to ANTHROPIC_BASE_URL only for undefined, not for null.
    baseURL: opts.baseURL ?? undefined,
    maxRetries: opts.maxRetries ?? 2,
    timeout: opts.timeoutMs,
  });
  return {
    provider: "anthropic",
    model: opts.model,
    free: false,
    contextTokens: opts.contextTokens ?? null,
    webTools: opts.webTools,
    measure: (req) => sizeOf(paramsFor(call, req, [], [])),
    generate: (req) => generate(sdk, call, req),
  };
}

/** The options with what the model accepts, decided once per client. */
interface Call extends AnthropicClientOptions {
  prefill: boolean;
  /** Not a Claude model (a local one behind a compatible API): may write <think> as text. */
  thinksInText: boolean;
  thinking: ThinkingParams;
}

/**
 * The request of one round: the user prompt, the finished turns of earlier continuations, and
 * `assistant`, the turn under way (empty on the first round). No sampling parameters: the 5.x
 * models refuse temperature, top_p and top_k.
 */
function paramsFor(
  call: Call,
  req: Pick<GenerateRequest, "system" | "bible" | "prompt" | "maxTokens">,
  earlier: MessageParam[],
  assistant: ContentBlock[],
): MessageCreateParamsStreaming {
  const messages: MessageParam[] = [{ role: "user", content: req.prompt }, ...earlier];
  // A prefill must not end in whitespace (400); a resumed pause_turn goes back as it came.
  const partial = asParams(assistant, call.prefill);
  if (partial.length > 0) messages.push({ role: "assistant", content: partial });
  return {
    model: call.model,
    max_tokens: req.maxTokens,
    stream: true,
    // Site memory's bible goes after the fixed prompt and ends the cached prefix (NOTES.md).
    system: req.bible
      ? [
          { type: "text", text: req.system },
          { type: "text", text: req.bible, cache_control: { type: "ephemeral" } },
        ]
      : [{ type: "text", text: req.system, cache_control: { type: "ephemeral" } }],
    messages,
    ...(call.webTools ? { tools: WEB_TOOLS } : {}),
    ...call.thinking,
  };
}

/** Bytes on the wire: an upper bound on the request's input tokens. */
function sizeOf(params: MessageCreateParamsStreaming): number {
  return Buffer.byteLength(JSON.stringify(params));
}

async function generate(sdk: Anthropic, call: Call, req: GenerateRequest): Promise<GenerateResult> {
  const usage: Usage = { ...ZERO_USAGE };
  // Turns closed by a continuation's user turn, then the assistant turn under way, which grows
  // across pause_turn rounds (and prefill continuations): the next round must see it all.
  const earlier: MessageParam[] = [];
  let assistant: ContentBlock[] = [];
  // Page text as visitors get it: no thinking, a user-turn continuation through the seam.
  const page = new PageText(req.onText, call.thinksInText);
  let model = call.model;
  let continuations = 0;
  for (let round = 1; ; round++) {
    const params = paramsFor(call, req, earlier, assistant);
    const bound = call.contextTokens ?? null;
    const system = `${req.system}${req.bible ?? ""}`;
    params.max_tokens = fitRound(bound, system, params.messages, req.maxTokens, usage, round);
    const refusal = req.beforeRound?.(round, sizeOf(params));
    if (refusal) throw new UpstreamError(refusal, "budget", usage, round - 1);
    const r = new Round(page.startRound());
    try {
      await streamRound(sdk, params, r, req.signal, call.stallMs ?? DEFAULT_STALL_MS);
      page.endRound();
    } catch (err) {
      // Output tokens are only reported at the end: estimate what streamed (~4 chars a token)
      // rather than bill a broken stream as if it wrote nothing.
      const estimate = Math.ceil(r.chars / 4);
      addUsage(usage, { ...r.usage, outputTokens: Math.max(r.usage.outputTokens, estimate) });
      throw toUpstreamError(err, usage, round);
    }
    addUsage(usage, r.usage);
    assistant.push(...r.blocks.filter((b) => b !== undefined));
    model = r.model ?? model;
    const stop = r.stop ?? "end_turn";
    const more =
      stop === "pause_turn" || (stop === "max_tokens" && continuations++ < MAX_CONTINUATIONS);
    if (!more || round >= MAX_ROUNDS) {
      return { text: page.text, stopReason: stop, usage, model, rounds: round };
    }
    if (stop === "max_tokens" && !call.prefill) {
      // Close the turn with a user turn asking to go on; a thinking block cut off before its
      // signature cannot be sent back, so it is left out.
      const sent = asParams(
        assistant.filter((b) => b.type !== "thinking" || b.signature !== ""),
        true,
      );
      if (sent.length > 0) earlier.push({ role: "assistant", content: sent });
      earlier.push({ role: "user", content: CONTINUE_PROMPT });
      assistant = [];
      page.continueAfterUserTurn();
    }
  }
}
