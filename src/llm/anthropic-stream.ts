// One streamed Messages API call: applies SSE events to a Round, watches for stalls, and maps
// every way a call can fail to an UpstreamError that carries the usage already paid for.

import type Anthropic from "@anthropic-ai/sdk";
import { APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type {
  Usage as ApiUsage,
  ContentBlock,
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageDeltaUsage,
  RawMessageStreamEvent,
} from "@anthropic-ai/sdk/resources/messages";
import { UpstreamError } from "../core/errors.ts";
import { type StopReason, type Usage, ZERO_USAGE } from "../core/types.ts";
import { ConsumerError, feed, kindOf, StallError, watchStream } from "./stream-guard.ts";

export function addUsage(sum: Usage, u: Usage): void {
  sum.inputTokens += u.inputTokens;
  sum.outputTokens += u.outputTokens;
  sum.cacheWriteTokens += u.cacheWriteTokens;
  sum.cacheReadTokens += u.cacheReadTokens;
  sum.webSearches += u.webSearches;
}

/** What one API call has streamed so far. */
export class Round {
  blocks: (ContentBlock | undefined)[] = [];
  chars = 0; // of text and tool input: estimates the output of a broken stream
  usage: Usage = { ...ZERO_USAGE };
  stop: StopReason | null = null;
  model: string | null = null;
  ended = false;
  json = new Map<number, string>();
  constructor(readonly onText: ((delta: string) => void) | undefined) {}
}

export async function streamRound(
  sdk: Anthropic,
  params: MessageCreateParamsStreaming,
  r: Round,
  signal: AbortSignal | undefined,
  stallMs: number,
): Promise<void> {
  const open = (s: AbortSignal) => sdk.messages.create(params, { signal: s });
  const how = await watchStream(open, (event) => apply(r, event), signal, stallMs);
  if (how === "aborted") throw new APIUserAbortError();
  if (how === "stalled") throw new StallError(`no event for ${stallMs} ms`);
  if (!r.ended || !r.stop) throw new SyntaxError("stream ended before message_stop");
}

function apply(r: Round, ev: RawMessageStreamEvent): void {
  switch (ev.type) {
    case "message_start":
      r.model = ev.message.model;
      takeUsage(r.usage, ev.message.usage);
      return;
    case "message_delta":
      r.stop = ev.delta.stop_reason;
      takeUsage(r.usage, ev.usage);
      return;
    case "message_stop":
      r.ended = true;
      return;
    case "content_block_start":
      r.blocks[ev.index] = { ...ev.content_block };
      return;
    case "content_block_stop": {
      const block = r.blocks[ev.index];
      const json = r.json.get(ev.index);
      if (json && block && (block.type === "server_tool_use" || block.type === "tool_use")) {
        block.input = JSON.parse(json);
      }
      return;
    }
    case "content_block_delta": {
      const block = r.blocks[ev.index];
      const d = ev.delta;
      if (d.type === "input_json_delta") {
        r.json.set(ev.index, (r.json.get(ev.index) ?? "") + d.partial_json);
        r.chars += d.partial_json.length;
      } else if (d.type === "text_delta" && block?.type === "text") {
        block.text += d.text;
        r.chars += d.text.length;
        feed(r.onText, d.text);
      } else if (d.type === "citations_delta" && block?.type === "text") {
        block.citations = [...(block.citations ?? []), d.citation];
      } else if (d.type === "thinking_delta" && block?.type === "thinking") {
        // Kept whole (never page text): a resumed turn must send it back with its signature.
        block.thinking += d.thinking;
        r.chars += d.thinking.length;
      } else if (d.type === "signature_delta" && block?.type === "thinking") {
        block.signature += d.signature;
      }
    }
  }
}

// The counters are whole-message totals (message_delta repeats them): overwrite, never add.
function takeUsage(u: Usage, api: ApiUsage | MessageDeltaUsage): void {
  if (api.input_tokens != null) u.inputTokens = api.input_tokens;
  if (api.output_tokens != null) u.outputTokens = api.output_tokens;
  if (api.cache_creation_input_tokens != null) u.cacheWriteTokens = api.cache_creation_input_tokens;
  if (api.cache_read_input_tokens != null) u.cacheReadTokens = api.cache_read_input_tokens;
  const searches = api.server_tool_use?.web_search_requests;
  if (searches != null) u.webSearches = searches;
}

/**
 * The partial turn as the API takes it back: it rejects empty text blocks, and a prefill that
 * ends in whitespace (`trimEnd`); a resumed pause_turn goes back otherwise exactly as it came.
 */
export function asParams(blocks: ContentBlock[], trimEnd: boolean): ContentBlockParam[] {
  const out = blocks.filter((b) => b.type !== "text" || b.text.length > 0);
  const last = out.at(-1);
  if (trimEnd && last?.type === "text" && last.text !== last.text.trimEnd()) {
    const trimmed = last.text.trimEnd();
    out.splice(-1, 1, ...(trimmed ? [{ ...last, text: trimmed }] : []));
  }
  return out as ContentBlockParam[];
}

export function toUpstreamError(err: unknown, usage: Usage, rounds: number): UpstreamError {
  const fail = (kind: UpstreamError["kind"], message: string) =>
    new UpstreamError(message, kind, usage, rounds, err);
  if (err instanceof StallError) return fail("stall", `Anthropic stream stalled: ${err.message}`);
  if (err instanceof ConsumerError) return fail("other", `${err.message}: ${String(err.cause)}`);
  if (err instanceof APIUserAbortError) return fail("other", "Anthropic request aborted");
  if (err instanceof APIConnectionError) return fail("connection", `Anthropic: ${err.message}`);
  if (err instanceof APIError) {
    const body = err.error as { error?: { type?: string; message?: string } } | undefined;
    const what = `${body?.error?.type ?? err.type ?? "error"}: ${body?.error?.message ?? ""}`;
    // No status: an `event: error` inside a stream that had already started.
    if (err.status === undefined) return fail("stream", `Anthropic stream error ${what}`);
    return fail(kindOf(err.status), `Anthropic API ${err.status} ${what}`);
  }
  if (err instanceof SyntaxError) return fail("stream", `Anthropic stream broken: ${err.message}`);
  // Anything else escaped the body read: the connection died mid-stream.
  return fail("connection", `Anthropic connection lost mid-stream: ${String(err)}`);
}
