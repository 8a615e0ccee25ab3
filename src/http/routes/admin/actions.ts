// What an operator can do to a page: purge it, or have it written again now. Both write, so
// only the primary does them; a replica hands the request to the primary with fly-replay.

import { normalizeKey } from "../../../core/keys.ts";
import type { Logger } from "../../../core/types.ts";
import { type Generator, isRefusal } from "../../../generate/generator.ts";
import type { Cluster } from "../../../store/litefs.ts";
import type { Store } from "../../../store/store.ts";
import { replayResponse } from "../../respond/replay.ts";
import { type FlashCode, flashUrl } from "../../views/admin/login.ts";
import { seeOther } from "./respond.ts";

export interface ActionDeps {
  store: Store;
  generator: Generator;
  cluster: Cluster;
  logger: Logger;
}

export type ActionName = "purge" | "regenerate";

export function runAction(
  deps: ActionDeps,
  req: Request,
  name: ActionName,
  form: URLSearchParams,
): Response {
  const raw = form.get("key");
  // The key comes from our own button, but a script may send any spelling of a path.
  const key = raw ? normalizeKey(raw) : null;
  if (key === null) return seeOther(flashUrl("no-key", ""));
  const role = deps.cluster.role();
  if (!role.primary) return replayResponse(req, role.host);
  const code = name === "purge" ? purge(deps, key) : regenerate(deps, key);
  deps.logger.info("admin action", { action: name, key, result: code });
  return seeOther(flashUrl(code, key));
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
