// A rollback asked for from the admin view's versions page (views/admin/versions.ts), as
// `rabbithole rollback` does it on the command line.

import type { Clock } from "../../../core/clock.ts";
import { rollbackPage } from "../../../generate/rollback.ts";
import type { FlashCode } from "../../views/admin/login.ts";

export interface RollbackDeps {
  store: Parameters<typeof rollbackPage>[0];
  clock: Clock;
  /** Whether a generation of the key is under way: it would be dropped on arrival. */
  busy(key: string): boolean;
}

/** The rollback the form asked for; answers with the flash code for the versions page. */
export async function rollbackAction(
  deps: RollbackDeps,
  key: string,
  form: URLSearchParams,
): Promise<FlashCode> {
  const raw = form.get("version");
  const n = raw === null || raw === "" ? null : Number(raw);
  if (n !== null && !(Number.isSafeInteger(n) && n > 0)) return "no-version";
  if (deps.busy(key)) return "busy";
  const outcome = await rollbackPage(deps.store, key, n, () => deps.clock.now());
  if (outcome.kind === "none") return "no-version";
  return outcome.kind === "current" ? "already-current" : "rolled-back";
}
