// The shapes that cross module boundaries. Each module owns its behaviour; this file only names
// what they hand each other, so that tests can build any part from fakes of the others.

/** Tokens and tool calls one API call (or a sum of calls) consumed. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
  webSearches: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheWriteTokens: 0,
  cacheReadTokens: 0,
  webSearches: 0,
});

/** A link some page promised: the prompt that will generate the page at `key`. */
export interface Mapping {
  key: string;
  prompt: string;
  depth: number;
  parent: string | null;
  /** The words of the link that promised it (site memory: the page's title while it streams). */
  title?: string | null;
}

/** What the hot path needs to answer a cached page. */
export interface CachedPage {
  html: string;
  etag: string;
  /** Compressed when stored; null for pages stored before compression existed. */
  gzip: Uint8Array | null;
  br: Uint8Array | null;
  /** Compressed against the homepage (see generate/dcz.ts); null for `/` and older pages. */
  dcz: Uint8Array | null;
  /** The base64 SHA-256 of the homepage `dcz` was made against. */
  dcz_dict: string | null;
}

/** How a page's bytes are coded on the wire: compressed once when stored, or as written. */
export type Encoding = "dcz" | "br" | "gzip" | "identity";

/** One stored encoding of a page: what a cache miss reads, and all it reads. */
export interface PageBody {
  etag: string;
  /** What `body` is: the encoding asked for, or the best the page has when it lacks that one. */
  encoding: Encoding;
  body: Uint8Array<ArrayBuffer>;
  /**
   * The base64 SHA-256 of the dictionary the page's dcz copy needs, whatever encoding `body` is;
   * null when it has none (then no answer for it depends on `Available-Dictionary`).
   */
  dict: string | null;
}

/** A finished generation, ready to be stored with its mappings in one transaction. */
export interface NewPage {
  key: string;
  html: string;
  prompt: string;
  depth: number;
  parent: string | null;
  model: string;
  usage: Usage;
  costUsd: number;
  rounds: number;
  genMs: number;
  /** The html, compressed (done off the event loop before the write). */
  gzip?: Uint8Array | null;
  br?: Uint8Array | null;
  dcz?: Uint8Array | null;
  dczDict?: string | null;
}

export type AttemptOutcome = "ok" | "error" | "incomplete" | "refusal";

/** One generation attempt as the ledger records it (failed ones too: the money is spent). */
export interface Attempt {
  key: string;
  /** The client's provider; absent (fixtures) is recorded as "anthropic", the column default. */
  provider?: string;
  model: string;
  usage: Usage;
  costUsd: number;
  rounds: number;
  outcome: AttemptOutcome;
  error: string | null;
  startedAt: number;
  durationMs: number;
}

export interface PageSummary {
  key: string;
  depth: number;
  parent: string | null;
  model: string;
  bytes: number;
  costUsd: number;
  createdAt: number;
}

/** A node of the site map: every mapped key, generated or still a promise (the frontier). */
export interface SiteNode {
  key: string;
  depth: number;
  parent: string | null;
  /** False for the frontier: linked, not written yet. */
  generated: boolean;
  bytes: number | null;
  costUsd: number | null;
  model: string | null;
  createdAt: number;
}

export interface Stats {
  pages: number;
  mappings: number;
  pendingMappings: number;
  attempts: number;
  failedAttempts: number;
  usage: Usage;
  spentUsd: number;
  /** The ledger split by who served it, dearest first. */
  byModel: ModelSpend[];
}

/** One provider and model's share of the ledger. */
export interface ModelSpend {
  provider: string;
  model: string;
  attempts: number;
  inputTokens: number;
  outputTokens: number;
  spentUsd: number;
}

/** The model's output, split by the tolerant parser. */
export interface ParsedOutput {
  /** The HTML document, preamble and fences removed; null when there is no whole document. */
  html: string | null;
  /** Child links, already normalised and filtered (site-relative, non-empty prompt, not `/`). */
  mappings: { url: string; prompt: string; title?: string }[];
}

export interface GenerateRequest {
  system: string;
  /** Site memory's bible: a second system block, marked for the prompt cache. */
  bible?: string;
  prompt: string;
  maxTokens: number;
  /** Called with each piece of page text as it streams (never tool blocks). */
  onText?: (delta: string) => void;
  signal?: AbortSignal;
  /**
   * Asked before every API call with the request's size in bytes (an upper bound on its input
   * tokens); a returned string refuses the round (the budget cannot cover it) and ends the
   * generation with that reason.
   */
  beforeRound?: (round: number, requestBytes: number) => string | undefined;
}

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded"
  | (string & {});

export interface GenerateResult {
  /** All page text the model wrote, across rounds. */
  text: string;
  stopReason: StopReason;
  usage: Usage;
  model: string;
  /** API calls made (pause_turn / continuation rounds each count). */
  rounds: number;
}

/** Anything that can write a page: the Anthropic client, the offline generator, test doubles. */
export interface LlmClient {
  /** Who serves the model ("anthropic", "openai", "offline"): the ledger records it. */
  readonly provider: string;
  readonly model: string;
  /** True when calls cost nothing (offline), so no price table is needed. */
  readonly free: boolean;
  /** Whether calls may use the server tools (their results add input tokens; searches cost). */
  readonly webTools?: boolean;
  /**
   * --context-tokens: the bound on each call's prompt plus output; null or absent: none. Site
   * context sized with llm/context.ts's contextRoom fits within it.
   */
  readonly contextTokens?: number | null;
  /** The first call's request size in bytes, as beforeRound will be told it. */
  measure?(req: Pick<GenerateRequest, "system" | "bible" | "prompt" | "maxTokens">): number;
  generate(req: GenerateRequest): Promise<GenerateResult>;
}

/** The logger surface the app uses; consola satisfies it, tests can capture it. */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  /**
   * The access line, `info("request", line)` written the cheap way: one per request is the
   * busiest thing a server logs. Absent (tests' loggers): `info` is used instead.
   */
  request?(line: RequestLine): void;
}

/** One request's access-log fields, in the order they are written. */
export interface RequestLine {
  id: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  outcome: string;
}
