// The Chat Completions API (the `openai` package) as an LlmClient, for OpenAI and every server
// that speaks it: streams page text with its usage, continues a page cut off by
// `finish_reason: "length"` (an assistant turn and a user turn, joined by seam.ts: chat
// completions has no prefill), treats `content_filter` as a refusal, asks the caller before
// every paid round, and bounds prompt plus output by --context-tokens.

import OpenAI from "openai";
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { CONTINUE_PROMPT } from "../contract/prompt.ts";
import { UpstreamError } from "../core/errors.ts";
import {
  type GenerateRequest,
  type GenerateResult,
  type LlmClient,
  type Usage,
  ZERO_USAGE,
} from "../core/types.ts";
import { addUsage } from "./anthropic-stream.ts";
import { fitRound } from "./context.ts";
import { ChatRound, streamChat, toUpstreamError } from "./openai-stream.ts";
import { PageText } from "./page-text.ts";
import { DEFAULT_STALL_MS, MAX_CONTINUATIONS } from "./stream-guard.ts";

export interface OpenAIClientOptions {
  /** OPENAI_API_KEY; null for a local server, which takes any key or none. */
  apiKey: string | null;
  /** Base URL with its /v1 (http://localhost:11434/v1); null: OpenAI's own API. */
  baseURL: string | null;
  model: string;
  /** SDK retries of connection errors, 408, 409, 429 and 5xx, honouring retry-after. */
  maxRetries?: number;
  timeoutMs?: number;
  stallMs?: number;
  /** --context-tokens: prompt plus output of every call stays within it; null: no bound. */
  contextTokens?: number | null;
}

/** OpenAI's own API; its reasoning models refuse `max_tokens` for `max_completion_tokens`. */
export function isOpenAIApi(baseURL: string | null): boolean {
  return baseURL === null || URL.parse(baseURL)?.hostname === "api.openai.com";
}

export function createOpenAIClient(opts: OpenAIClientOptions): LlmClient {
  const sdk = new OpenAI({
    // The SDK refuses to start without a key; local servers ignore the header.
    apiKey: opts.apiKey ?? "none",
    baseURL: opts.baseURL ?? "https://api.openai.com/v1",
    maxRetries: opts.maxRetries ?? 2,
    timeout: opts.timeoutMs,
  });
  // Ollama, llama.cpp and most compatible servers read only `max_tokens` (Ollama's documented
  // request fields, read 2026-12-01); OpenAI deprecated it for `max_completion_tokens`.
  const capField = isOpenAIApi(opts.baseURL) ? "max_completion_tokens" : "max_tokens";
  const paramsFor = (messages: ChatCompletionMessageParam[], cap: number) =>
    ({
      model: opts.model,
      messages,
      [capField]: cap,
      stream: true,
      stream_options: { include_usage: true },
    }) as ChatCompletionCreateParamsStreaming;
  const call: Call = { ...opts, paramsFor };
  return {
    provider: "openai",
    model: opts.model,
    free: false,
    contextTokens: opts.contextTokens ?? null,
    webTools: false,
    measure: (req) => sizeOf(paramsFor(firstTurns(req), req.maxTokens)),
    generate: (req) => generate(sdk, call, req),
  };
}

interface Call extends OpenAIClientOptions {
  paramsFor(
    messages: ChatCompletionMessageParam[],
    cap: number,
  ): ChatCompletionCreateParamsStreaming;
}

// One system message: site memory's bible follows the fixed prompt in it, since some local chat
// templates refuse a second system message.
const systemOf = (req: Pick<GenerateRequest, "system" | "bible">) =>
  req.bible ? `${req.system}\n\n${req.bible}` : req.system;

const firstTurns = (
  req: Pick<GenerateRequest, "system" | "bible" | "prompt">,
): ChatCompletionMessageParam[] => [
  { role: "system", content: systemOf(req) },
  { role: "user", content: req.prompt },
];

/** Bytes on the wire: an upper bound on the request's input tokens. */
function sizeOf(params: ChatCompletionCreateParamsStreaming): number {
  return Buffer.byteLength(JSON.stringify(params));
}

async function generate(sdk: OpenAI, call: Call, req: GenerateRequest): Promise<GenerateResult> {
  const usage: Usage = { ...ZERO_USAGE };
  const messages = firstTurns(req);
  // Page text as visitors get it: no thinking, a continuation through the seam.
  const page = new PageText(req.onText, true);
  let model = call.model;
  let continuations = 0;
  for (let round = 1; ; round++) {
    const bound = call.contextTokens ?? null;
    const cap = fitRound(bound, systemOf(req), messages.slice(1), req.maxTokens, usage, round);
    const params = call.paramsFor(messages, cap);
    const bytes = sizeOf(params);
    const refusal = req.beforeRound?.(round, bytes);
    if (refusal) throw new UpstreamError(refusal, "budget", usage, round - 1);
    const r = new ChatRound(page.startRound());
    try {
      await streamChat(sdk, params, r, req.signal, call.stallMs ?? DEFAULT_STALL_MS);
      page.endRound();
    } catch (err) {
      addUsage(usage, r.usage ?? estimated(bytes, r.chars));
      throw toUpstreamError(err, usage, round);
    }
    addUsage(usage, r.usage ?? estimated(bytes, r.chars));
    model = r.model ?? model;
    const stop = r.stop;
    if (stop !== "max_tokens" || continuations++ >= MAX_CONTINUATIONS) {
      return { text: page.text, stopReason: stop, usage, model, rounds: round };
    }
    if (r.content) messages.push({ role: "assistant", content: r.content });
    messages.push({ role: "user", content: CONTINUE_PROMPT });
    page.continueAfterUserTurn();
  }
}

/**
 * The usage of a call whose usage chunk never came (a broken stream, or a server that ignores
 * stream_options): estimated as --context-tokens estimates, 3 bytes a token, the whole request
 * as input and what streamed (reasoning included) as output.
 */
function estimated(requestBytes: number, chars: number): Usage {
  return {
    ...ZERO_USAGE,
    inputTokens: Math.ceil(requestBytes / 3),
    outputTokens: Math.ceil(chars / 3),
  };
}
