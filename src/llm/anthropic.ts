// The Anthropic Messages API as an LlmClient: streams page text, follows pause_turn, continues a
// page cut off by max_tokens, asks the caller before every paid round, and turns every failure
// into an UpstreamError carrying the usage already paid for (the ledger bills it).

import Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlock,
  MessageCreateParamsStreaming,
  MessageParam,
  ToolUnion,
} from "@anthropic-ai/sdk/resources/messages";
import { UpstreamError } from "../errors.ts";
import {
  type GenerateRequest,
  type GenerateResult,
  type LlmClient,
  type Usage,
  ZERO_USAGE,
} from "../types.ts";
import { addUsage, asParams, Round, streamRound, toUpstreamError } from "./anthropic-stream.ts";
import { TOOL_LIMITS } from "./tool-limits.ts";

export interface AnthropicClientOptions {
  apiKey: string;
  /** Base URL without /v1; null or absent lets the SDK read ANTHROPIC_BASE_URL. */
  baseURL?: string | null;
  model: string;
  webTools: boolean;
  /** SDK retries of connection errors, 408, 409, 429 and 5xx before the stream starts. */
  maxRetries?: number;
  /** Longest wait for response headers (the SDK's own timeout; default 10 minutes). */
  timeoutMs?: number;
  /** Longest silence inside a stream before the call counts as stalled. */
  stallMs?: number;
}

/** API calls per generation, pause_turn and max_tokens continuations included. */
export const MAX_ROUNDS = 10;
/** Continuations of a page cut off by max_tokens, before it counts as a failure. */
export const MAX_CONTINUATIONS = 3;
// Generous: server tools run between events, and a false stall wastes the money already spent.
// The same as --stall-timeout's default (config.ts), for clients built without the option.
export const DEFAULT_STALL_MS = 120_000;

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
  const sdk = new Anthropic({
    apiKey: opts.apiKey,
    // The SDK falls back to ANTHROPIC_BASE_URL only for undefined, not for null.
    baseURL: opts.baseURL ?? undefined,
    maxRetries: opts.maxRetries ?? 2,
    timeout: opts.timeoutMs,
  });
  return {
    model: opts.model,
    free: false,
    webTools: opts.webTools,
    measure: (req) => sizeOf(paramsFor(opts, req, [])),
    generate: (req) => generate(sdk, opts, req),
  };
}

/** The request of one round; `assistant` is the partial turn so far (empty on the first). */
function paramsFor(
  opts: AnthropicClientOptions,
  req: Pick<GenerateRequest, "system" | "prompt" | "maxTokens">,
  assistant: ContentBlock[],
): MessageCreateParamsStreaming {
  const messages: MessageParam[] = [{ role: "user", content: req.prompt }];
  const partial = asParams(assistant);
  if (partial.length > 0) messages.push({ role: "assistant", content: partial });
  return {
    model: opts.model,
    max_tokens: req.maxTokens,
    stream: true,
    system: [{ type: "text", text: req.system, cache_control: { type: "ephemeral" } }],
    messages,
    ...(opts.webTools ? { tools: WEB_TOOLS } : {}),
  };
}

/** Bytes on the wire: an upper bound on the request's input tokens. */
function sizeOf(params: MessageCreateParamsStreaming): number {
  return Buffer.byteLength(JSON.stringify(params));
}

async function generate(
  sdk: Anthropic,
  opts: AnthropicClientOptions,
  req: GenerateRequest,
): Promise<GenerateResult> {
  const usage: Usage = { ...ZERO_USAGE };
  // One assistant turn that grows across rounds: each continuation must see it all.
  const assistant: ContentBlock[] = [];
  let text = "";
  let model = opts.model;
  let continuations = 0;
  for (let round = 1; ; round++) {
    const params = paramsFor(opts, req, assistant);
    const refusal = req.beforeRound?.(round, sizeOf(params));
    if (refusal) throw new UpstreamError(refusal, "budget", usage, round - 1);
    const r = new Round(req.onText);
    try {
      await streamRound(sdk, params, r, req.signal, opts.stallMs ?? DEFAULT_STALL_MS);
    } catch (err) {
      // Output tokens are only reported at the end: estimate what streamed (~4 chars a token)
      // rather than bill a broken stream as if it wrote nothing.
      const estimate = Math.ceil(r.chars / 4);
      addUsage(usage, { ...r.usage, outputTokens: Math.max(r.usage.outputTokens, estimate) });
      throw toUpstreamError(err, usage, round);
    }
    addUsage(usage, r.usage);
    text += r.text;
    assistant.push(...r.blocks.filter((b) => b !== undefined));
    model = r.model ?? model;
    const stop = r.stop ?? "end_turn";
    const more =
      stop === "pause_turn" || (stop === "max_tokens" && continuations++ < MAX_CONTINUATIONS);
    if (!more || round >= MAX_ROUNDS) {
      return { text, stopReason: stop, usage, model, rounds: round };
    }
  }
}
