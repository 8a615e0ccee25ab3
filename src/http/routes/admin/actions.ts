// What an operator can do to a page: purge it, have it written again now, or roll it back to a
// kept version. All write, so only the primary does them; a replica hands the request to the
// primary with fly-replay.

import type { Clock } from "../../../core/clock.ts";
import { normalizeKey } from "../../../core/keys.ts";
import type { Logger } from "../../../core/types.ts";
import { type Generator, isRefusal } from "../../../generate/generator.ts";
import type { Cluster } from "../../../store/litefs.ts";
import type { Store } from "../../../store/store.ts";
import { replayResponse } from "../../respond/replay.ts";
import { type FlashCode, flashUrl } from "../../views/admin/login.ts";
import { versionsUrl } from "../../views/admin/versions.ts";
import { seeOther } from "./respond.ts";
import { rollbackAction } from "./rollback.ts";

export interface ActionDeps {
  store: Store;
  generator: Generator;
  cluster: Cluster;
  clock: Clock;
  logger: Logger;
}

export type ActionName = "purge" | "regenerate" | "rollback";

export function runAction(
  deps: ActionDeps,
  req: Request,
  name: ActionName,
  form: URLSearchParams,
): Response | Promise<Response> {
  const raw = form.get("key");
  // The key comes from our own button, but a script may send any spelling of a path.
  const key = raw ? normalizeKey(raw) : null;
  if (key === null) return seeOther(flashUrl("no-key", ""));
  const role = deps.cluster.role();
  if (!role.primary) return replayResponse(req, role.host);
  if (name === "rollback") return rollback(deps, key, form);
  const code = name === "purge" ? purge(deps, key) : regenerate(deps, key);
  deps.logger.info("admin action", { action: name, key, result: code });
  return seeOther(flashUrl(code, key));
}

async function rollback(deps: ActionDeps, key: string, form: URLSearchParams): Promise<Response> {
  const busy = (k: string) => deps.generator.get(k) !== undefined;
  const code = await rollbackAction({ store: deps.store, clock: deps.clock, busy }, key, form);
  deps.logger.info("admin action", { action: "rollback", key, result: code });
  return seeOther(versionsUrl(key, code));
}

function purge(deps: ActionDeps, key: string): FlashCode {
  return deps.store.purge([key]).length > 0 ? "purged" : "not-cached";
}

function regenerate(deps: ActionDeps, key: string): FlashCode {
  const mapping = deps.store.getMapping(key);
  if (!mapping) return "no-mapping";
  // Start before purging: a refused start (budget spent) must not cost the page its cached
  // copy. The flight cannot store anything before its first upstream answer, which comes
  // long after the purge below, so the new page is not lost to INSERT OR IGNORE.
  const flight = deps.generator.start(mapping);
  if (isRefusal(flight)) return flight.kind === "budget" ? "budget" : "unavailable";
  deps.store.purge([key]);
  return "regenerating";
}
