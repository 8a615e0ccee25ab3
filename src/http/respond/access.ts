// One log line and one set of metrics per request, whatever answered it.

import type { Logger } from "../../core/types.ts";
import type { RabbitholeMetrics } from "../../ops/metrics.ts";
import type { Visit } from "./visit.ts";

// Fly's request ids are short tokens. Anyone can send the header, so anything else (10 kB of it,
// say) is not copied into every log line: the request gets an id of our own instead.
const FLY_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

let sequence = 0;
const prefix = Math.random().toString(36).slice(2, 8);

/** The line shows the raw path (rawPath), without the query: a query may carry tokens. */
export function observe(
  logger: Logger,
  metrics: RabbitholeMetrics | undefined,
  visit: Visit,
  res: Response,
  ms: number,
): void {
  const { req, path, outcome } = visit;
  const status = res.status;
  metrics?.request(outcome, status, ms / 1000);
  const flyId = req.headers.get("fly-request-id");
  const line = {
    // Fly's id ties our line to its edge logs; elsewhere a cheap process-unique one.
    id: flyId && FLY_REQUEST_ID.test(flyId) ? flyId : `${prefix}-${(++sequence).toString(36)}`,
    method: req.method,
    path: path.length > 512 ? path.slice(0, 512) : path,
    status,
    ms: Math.round(ms * 100) / 100,
    outcome,
  };
  if (logger.request) logger.request(line);
  else logger.info("request", line);
}
