// One streamed Chat Completions call (OpenAI, OpenRouter, vLLM, LM Studio, Ollama's /v1, llama.cpp):
// chunks → page text, finish reason and usage; reasoning fields counted but never page text;
// every way a call can fail mapped to an UpstreamError carrying the usage already paid for.

import type OpenAI from "openai";
import { APIConnectionError, APIError, APIUserAbortError } from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import { UpstreamError } from "../core/errors.ts";
import { type StopReason, type Usage, ZERO_USAGE } from "../core/types.ts";
import { ConsumerError, feed, kindOf, StallError, watchStream } from "./stream-guard.ts";

/** What one call has streamed so far. */
export class ChatRound {
  /** The content as the model wrote it (thinking tags included), to send back on continuing. */
  content = "";
  chars = 0; // of content and reasoning: estimates the output of a broken stream
  refusal = "";
  usage: Usage | null = null;
  finish: ChatCompletionChunk.Choice["finish_reason"] = null;
  model: string | null = null;
  constructor(readonly onText: ((delta: string) => void) | undefined) {}

  /** The finish reason in the terms the generator shares with the Anthropic client. */
  get stop(): StopReason {
    if (this.refusal || this.finish === "content_filter") return "refusal";
    if (this.finish === "length") return "max_tokens";
    if (this.finish === "tool_calls" || this.finish === "function_call") return "tool_use";
    return "end_turn";
  }
}

/** Reasoning as servers stream it beside the content: vLLM, llama.cpp, DeepSeek, OpenRouter. */
interface ReasoningDelta {
  reasoning_content?: string | null;
  reasoning?: string | null;
}

export async function streamChat(
  sdk: OpenAI,
  params: ChatCompletionCreateParamsStreaming,
  r: ChatRound,
  signal: AbortSignal | undefined,
  stallMs: number,
): Promise<void> {
  const open = (s: AbortSignal) => sdk.chat.completions.create(params, { signal: s });
  const how = await watchStream(open, (chunk) => apply(r, chunk), signal, stallMs);
  if (how === "aborted") throw new APIUserAbortError();
  if (how === "stalled") throw new StallError(`no chunk for ${stallMs} ms`);
  // The SDK ends quietly on a body that stops short of `data: [DONE]`: a finish reason is the
  // proof that the model finished (the usage chunk, when asked for, comes after it).
  if (!r.finish) throw new SyntaxError("stream ended before a finish_reason");
}

function apply(r: ChatRound, chunk: ChatCompletionChunk): void {
  r.model = chunk.model || r.model;
  // With stream_options.include_usage the last chunk has no choices, only the whole call's usage.
  if (chunk.usage) r.usage = usageOf(chunk.usage);
  const choice = chunk.choices?.[0];
  if (!choice) return;
  const d = choice.delta ?? {};
  const reasoning = d as ReasoningDelta;
  // Billed as output, never page text.
  r.chars += (reasoning.reasoning_content ?? reasoning.reasoning ?? "").length;
  if (d.refusal) r.refusal += d.refusal;
  if (d.content) {
    r.content += d.content;
    r.chars += d.content.length;
    feed(r.onText, d.content);
  }
  if (choice.finish_reason) r.finish = choice.finish_reason;
}

/**
 * Cached prompt tokens are part of `prompt_tokens` and billed here at the input price:
 * providers discount them differently (OpenAI by 50-90 %, many not at all) and the operator
 * gives one input price, so this can overstate a cost, never understate it.
 */
function usageOf(u: NonNullable<ChatCompletionChunk["usage"]>): Usage {
  return {
    ...ZERO_USAGE,
    inputTokens: u.prompt_tokens ?? 0,
    outputTokens: u.completion_tokens ?? 0,
  };
}

export function toUpstreamError(err: unknown, usage: Usage, rounds: number): UpstreamError {
  const fail = (kind: UpstreamError["kind"], message: string) =>
    new UpstreamError(message, kind, usage, rounds, err);
  const api = "OpenAI-compatible API";
  if (err instanceof StallError) return fail("stall", `${api} stream stalled: ${err.message}`);
  if (err instanceof ConsumerError) return fail("other", `${err.message}: ${String(err.cause)}`);
  if (err instanceof APIUserAbortError) return fail("other", `${api} request aborted`);
  if (err instanceof APIConnectionError) return fail("connection", `${api}: ${err.message}`);
  if (err instanceof APIError) {
    const body = err.error as { type?: string; code?: string; message?: string } | undefined;
    const what = `${body?.code ?? body?.type ?? "error"}: ${body?.message ?? err.message}`;
    // No status: an error object inside a stream that had already started.
    if (err.status === undefined) return fail("stream", `${api} stream error ${what}`);
    return fail(kindOf(err.status), `${api} ${err.status} ${what}`);
  }
  if (err instanceof SyntaxError) return fail("stream", `${api} stream broken: ${err.message}`);
  // Anything else escaped the body read: the connection died mid-stream.
  return fail("connection", `${api} connection lost mid-stream: ${String(err)}`);
}
