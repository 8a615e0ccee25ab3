// Who may start a new generation (money): not a crawler unless the operator allows it, not a
// client over its rate, not past the machine's cap on generations under way. Joining a page
// already being written is free and never limited; cached pages never come here.

import type { BotPolicy } from "../../config/bot-policy.ts";
import type { Mapping } from "../../core/types.ts";
import { type Flight, type Generator, isRefusal } from "../../generate/generator.ts";
import { failureResponse } from "../respond/failure.ts";
import { botAccess, botUncachedResponse, isBot } from "./bots.ts";
import { clientIp, type PeerInfo } from "./client-ip.ts";
import type { Gate } from "./gate.ts";
import { isNavigation, notNavigationResponse } from "./intent.ts";
import { busyResponse, limitKey, type RateLimiter, rateLimitedResponse } from "./rate-limit.ts";

export interface AdmissionPolicy {
  botPolicy: BotPolicy;
  limiter: RateLimiter | null;
  gate: Gate | null;
  /** Behind Fly's proxy: take the client's address from Fly-Client-IP. */
  trustFly: boolean;
  /** False only in tests that drive the app without browser headers; on by default. */
  navigationOnly?: boolean;
}

/** What Bun.serve offers for a request: the client's socket address. */
export type Admitted =
  | { flight: Flight; outcome: "generated" | "joined" }
  | { response: Response; outcome: "refused" };

export async function admit(
  generator: Generator,
  policy: AdmissionPolicy,
  req: Request,
  key: string,
  /** Null only when a flight for `key` is under way (it is then joined). */
  m: Mapping | null,
  peer?: PeerInfo,
): Promise<Admitted> {
  // Bots never spend money: not even by joining (they would hold a stream open for minutes).
  if (isRefusedBot(policy, req)) return { response: botUncachedResponse(), outcome: "refused" };
  const joining = generator.get(key);
  if (joining || !m) return joined(joining);
  const refused = refusedBeforeSpending(policy, req);
  if (refused) return { response: refused, outcome: "refused" };

  if (policy.limiter) {
    const ip = clientIp(req, peer, policy.trustFly);
    const take = policy.limiter.take(limitKey(ip));
    if (!take.ok) return { response: rateLimitedResponse(take.retryAfterSec), outcome: "refused" };
  }
  const release = policy.gate ? await policy.gate.acquire(req.signal) : null;
  if (policy.gate && !release) return { response: busyResponse(), outcome: "refused" };
  // While this request waited for a slot, someone else may have started the same page.
  const other = generator.get(key);
  if (other) {
    release?.();
    return joined(other);
  }
  const started = generator.start(m);
  if (isRefusal(started)) {
    release?.();
    return { response: failureResponse(m.key, started), outcome: "refused" };
  }
  // The slot is held until the generation ends, not the response: visitors may leave early.
  if (release) void started.done.finally(release);
  return { flight: started, outcome: "generated" };
}

function joined(flight: Flight | undefined): Admitted {
  if (!flight) throw new Error("admit: neither a flight to join nor a mapping to start");
  return { flight, outcome: "joined" };
}

/** A crawler that may not start pages (botAccess): it reads what is written, nothing more. */
export function isRefusedBot(policy: AdmissionPolicy, req: Request): boolean {
  return botAccess(policy.botPolicy) !== "generate" && isBot(req.headers.get("user-agent"));
}

/** Why this request may not start a new page whatever the limits say, or null. */
function refusedBeforeSpending(policy: AdmissionPolicy, req: Request): Response | null {
  if (isRefusedBot(policy, req)) return botUncachedResponse();
  if (policy.navigationOnly !== false && !isNavigation(req.headers)) return notNavigationResponse();
  return null;
}

/** HEAD on a page not written yet: the refusal GET would get from who is asking, or null. */
export function headRefusal(
  policy: AdmissionPolicy,
  req: Request,
  joining: boolean,
): Response | null {
  if (isRefusedBot(policy, req)) return botUncachedResponse();
  return joining ? null : refusedBeforeSpending(policy, req);
}
