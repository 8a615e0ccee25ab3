// One request on its way through the server: made once by the dispatcher (routes/dispatch.ts),
// handed to the route that answers it, read by the access line. A route writes `outcome` where
// it decides how the request is answered, never before.

import type { RequestOutcome } from "../../ops/metrics.ts";

/** What Bun.serve hands the fetch handler: the client's socket, and lifting the idle timeout. */
export interface ServerHooks {
  requestIP?(req: Request): { address: string } | null;
  timeout(req: Request, seconds: number): void;
}

export interface Visit {
  readonly req: Request;
  /** The path exactly as sent (rawPath): what routes dispatch on and the access line shows. */
  readonly path: string;
  readonly server: ServerHooks | undefined;
  /** performance.now() on arrival. */
  readonly started: number;
  outcome: RequestOutcome;
}
