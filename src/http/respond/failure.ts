// The answers to a page that could not be written: the budget, a refusal, a failure.

import type { Failure } from "../../generate/run.ts";
import { budgetPage, failurePage, refusalPage } from "../views/status-pages.ts";
import { htmlResponse } from "./respond.ts";

export function budgetResponse(): Response {
  return htmlResponse(budgetPage(), 503, { "retry-after": "3600" });
}

export function failureResponse(key: string, r: Failure): Response {
  if (r.kind === "budget") return budgetResponse();
  const page =
    r.kind === "refusal"
      ? refusalPage(key, r.retryAfterSec ? r.reason : undefined)
      : failurePage(key, r.reason);
  const wait = r.retryAfterSec ?? (r.kind === "unavailable" ? 60 : 5);
  return htmlResponse(page, 503, { "retry-after": String(wait) });
}
