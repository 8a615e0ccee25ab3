// The Anthropic Messages API as an LlmClient: streams page text, follows pause_turn, and turns
// every failure into an UpstreamError carrying the usage already paid for (the ledger bills it).

import Anthropic, { APIConnectionError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type {
  Usage as ApiUsage,
  ContentBlock,
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageDeltaUsage,
  MessageParam,
  RawMessageStreamEvent,
  ToolUnion,
} from "@anthropic-ai/sdk/resources/messages";
import { UpstreamError } from "../errors.ts";
import {
  type GenerateRequest,
  type GenerateResult,
  type LlmClient,
  type StopReason,
  type Usage,
  ZERO_USAGE,
} from "../types.ts";

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

/** API calls per generation, pause_turn continuations included. */
export const MAX_ROUNDS = 10;
// Generous: server tools run between events, and a false stall wastes the money already spent.
const DEFAULT_STALL_MS = 180_000;

export const WEB_TOOLS: ToolUnion[] = [
  { type: "web_search_20250305", name: "web_search", max_uses: 5 },
  { type: "web_fetch_20250910", name: "web_fetch", max_uses: 5 },
];

export function createAnthropicClient(opts: AnthropicClientOptions): LlmClient {
  const sdk = new Anthropic({
    apiKey: opts.apiKey,
    // The SDK falls back to ANTHROPIC_BASE_URL only for undefined, not for null.
    baseURL: opts.baseURL ?? undefined,
    maxRetries: opts.maxRetries ?? 2,
    timeout: opts.timeoutMs,
  });
  return { model: opts.model, free: false, generate: (req) => generate(sdk, opts, req) };
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
  for (let round = 1; ; round++) {
    const messages: MessageParam[] = [{ role: "user", content: req.prompt }];
    const partial = asParams(assistant);
    if (partial.length > 0) messages.push({ role: "assistant", content: partial });
    const params: MessageCreateParamsStreaming = {
      model: opts.model,
      max_tokens: req.maxTokens,
      stream: true,
      system: [{ type: "text", text: req.system, cache_control: { type: "ephemeral" } }],
      messages,
      ...(opts.webTools ? { tools: WEB_TOOLS } : {}),
    };
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
    if (r.stop !== "pause_turn" || round >= MAX_ROUNDS) {
      return { text, stopReason: r.stop ?? "end_turn", usage, model, rounds: round };
    }
  }
}

function addUsage(sum: Usage, u: Usage): void {
  sum.inputTokens += u.inputTokens;
  sum.outputTokens += u.outputTokens;
  sum.cacheWriteTokens += u.cacheWriteTokens;
  sum.cacheReadTokens += u.cacheReadTokens;
  sum.webSearches += u.webSearches;
}

/** What one API call has streamed so far. */
class Round {
  blocks: (ContentBlock | undefined)[] = [];
  text = "";
  chars = 0; // of text and tool input: estimates the output of a broken stream
  usage: Usage = { ...ZERO_USAGE };
  stop: StopReason | null = null;
  model: string | null = null;
  ended = false;
  json = new Map<number, string>();
  constructor(readonly onText: ((delta: string) => void) | undefined) {}
}

// Markers: the caller's onText threw (not a broken connection); the stream went silent.
class ConsumerError extends Error {}
class StallError extends Error {}

async function streamRound(
  sdk: Anthropic,
  params: MessageCreateParamsStreaming,
  r: Round,
  signal: AbortSignal | undefined,
  stallMs: number,
): Promise<void> {
  const watchdog = new AbortController();
  const both = signal ? AbortSignal.any([signal, watchdog.signal]) : watchdog.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => watchdog.abort(), stallMs);
  };
  try {
    const stream = await sdk.messages.create(params, { signal: both });
    arm();
    for await (const event of stream) {
      if (both.aborted) break; // events already parsed must not reach onText after an abort
      arm();
      apply(r, event);
    }
  } finally {
    clearTimeout(timer);
  }
  // An abort mid-stream ends the SDK's iterator quietly, so look at why it ended.
  if (signal?.aborted) throw new APIUserAbortError();
  if (watchdog.signal.aborted) throw new StallError(`no event for ${stallMs} ms`);
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
        r.text += d.text;
        r.chars += d.text.length;
        try {
          r.onText?.(d.text);
        } catch (err) {
          throw new ConsumerError("onText failed", { cause: err });
        }
      } else if (d.type === "citations_delta" && block?.type === "text") {
        block.citations = [...(block.citations ?? []), d.citation];
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

/** The partial turn as the API takes it back: it rejects empty text and trailing whitespace. */
function asParams(blocks: ContentBlock[]): ContentBlockParam[] {
  const out = blocks.filter((b) => b.type !== "text" || b.text.length > 0);
  const last = out.at(-1);
  if (last?.type === "text" && last.text !== last.text.trimEnd()) {
    const trimmed = last.text.trimEnd();
    out.splice(-1, 1, ...(trimmed ? [{ ...last, text: trimmed }] : []));
  }
  return out as ContentBlockParam[];
}

function toUpstreamError(err: unknown, usage: Usage, rounds: number): UpstreamError {
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

function kindOf(status: number): UpstreamError["kind"] {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status === 529) return "overloaded";
  return status >= 500 ? "server" : "other";
}
