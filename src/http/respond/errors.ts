import { HttpError } from "../../core/errors.ts";
import type { Logger } from "../../core/types.ts";
import { errorPage } from "../views/status-pages.ts";
import { STATUS_TEXT } from "../views/status-text.ts";
import { htmlResponse } from "./respond.ts";

/**
 * Errors become HTML pages here: exposed messages for 4xx, a plain page for the rest. The one
 * exception is `/__ready`, whose callers are scripts: system.ts answers its bad input in JSON.
 */
export function errorResponse(err: unknown, logger: Logger): Response {
  if (err instanceof HttpError) {
    const message = err.expose ? err.message : "Something went wrong on our side.";
    const title = STATUS_TEXT[err.status] ?? `Error ${err.status}`;
    return htmlResponse(errorPage(err.status, title, message), err.status, err.headers);
  }
  logger.error("unhandled error", { error: err instanceof Error ? err.stack : String(err) });
  return htmlResponse(
    errorPage(500, STATUS_TEXT[500] as string, "Something went wrong on our side."),
    500,
  );
}
