// One log line and one set of metrics per request, whatever answered it.

import type { RabbitholeMetrics, RequestOutcome } from "../metrics.ts";
import type { Logger } from "../types.ts";
import { rawPath } from "./respond.ts";

// Fly's request ids are short tokens. Anyone can send the header, so anything else (10 kB of it,
// say) is not copied into every log line: the request gets an id of our own instead.
const FLY_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

let sequence = 0;
const prefix = Math.random().toString(36).slice(2, 8);

export function observe(
  logger: Logger,
  metrics: RabbitholeMetrics | undefined,
  req: Request,
  res: Response,
  outcome: RequestOutcome,
  ms: number,
): void {
  metrics?.request(outcome, res.status, ms / 1000);
  const flyId = req.headers.get("fly-request-id");
  logger.info("request", {
    // Fly's id ties our line to its edge logs; elsewhere a cheap process-unique one.
    id: flyId && FLY_REQUEST_ID.test(flyId) ? flyId : `${prefix}-${(++sequence).toString(36)}`,
    method: req.method,
    // The path only: a query may carry tokens, and it never changes a page.
    path: rawPath(req.url).slice(0, 512),
    status: res.status,
    ms: Math.round(ms * 100) / 100,
    outcome,
  });
}
