import { HttpError } from "../../core/errors.ts";
import type { Logger } from "../../core/types.ts";
import { errorPage } from "../views/status-pages.ts";
import { htmlResponse } from "./respond.ts";

const TITLES: Record<number, string> = {
  400: "Bad request",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  414: "Address too long",
  429: "Too many new pages",
  500: "Server error",
  503: "Unavailable",
};

/**
 * Errors become HTML pages here: exposed messages for 4xx, a plain page for the rest. The one
 * exception is `/__ready`, whose callers are scripts: system.ts answers its bad input in JSON.
 */
export function errorResponse(err: unknown, logger: Logger): Response {
  if (err instanceof HttpError) {
    const message = err.expose ? err.message : "Something went wrong on our side.";
    const title = TITLES[err.status] ?? `Error ${err.status}`;
    return htmlResponse(errorPage(err.status, title, message), err.status, err.headers);
  }
  logger.error("unhandled error", { error: err instanceof Error ? err.stack : String(err) });
  return htmlResponse(
    errorPage(500, TITLES[500] as string, "Something went wrong on our side."),
    500,
  );
}
