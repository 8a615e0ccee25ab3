import type { Usage } from "./types.ts";

/** A bad command line or configuration: printed as one line, exits with `exitCode`. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** An HTTP answer other than success; `expose` says whether `message` may reach the client. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly expose = status < 500,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * An upstream (LLM) call that failed. `usage` is what was consumed before it failed, so the
 * ledger can record the money spent; `kind` lets callers choose the page to show.
 */
export class UpstreamError extends Error {
  override name = "UpstreamError";
  constructor(
    message: string,
    readonly kind:
      | "auth"
      | "rate_limit"
      | "overloaded"
      | "server"
      | "connection"
      | "stream"
      | "stall"
      | "refusal"
      | "budget"
      | "other",
    readonly usage: Usage,
    readonly rounds = 1,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
