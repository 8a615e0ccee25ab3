// The crawler policy is a configuration value: its names and parser live with the options, and
// the guards that enforce it (http/guards/bots.ts) import it from here.

/**
 * What the server lets bots do (`--bot-policy`):
 * - `cached` (default): bots read every page already written; a page that would have to be
 *   written gets 503 with a long Retry-After (it exists, just not yet: a crawler should come
 *   back, not forget the address), an unknown one the usual 404. Bots never cost money.
 * - `allow`: bots are treated like people (they still meet the per-client rate limit).
 * - `deny`: bots get 403 everywhere but /robots.txt and /__health.
 */
export type BotPolicy = "cached" | "allow" | "deny";

export const BOT_POLICIES: readonly BotPolicy[] = ["cached", "allow", "deny"];

export function parseBotPolicy(value: string): BotPolicy {
  const word = value.trim().toLowerCase();
  const policy = BOT_POLICIES.find((p) => p === word);
  if (!policy) {
    throw new Error(`unknown bot policy "${value}": use one of ${BOT_POLICIES.join(", ")}`);
  }
  return policy;
}
