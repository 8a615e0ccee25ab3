// /robots.txt as served: the operator's file, or the one the bot policy and the written pages
// make (guards/robots.ts), kept until the written pages change.

import type { BotPolicy } from "../../config/bot-policy.ts";
import type { Store } from "../../store/store.ts";
import { robotsResponse, robotsTxt } from "../guards/robots.ts";

export function createRobotsRoute(store: Store, policy: BotPolicy, custom: string | null) {
  // Built when the written pages change, never per request: rebuilding on every request was a
  // table scan of HTML and compressed copies (~170 ms at 30,000 pages; bench/robots.ts).
  // Kept as bytes (a Blob is sent without a copy): up to 450 KB, not re-encoded per request.
  let cache: { version: string; body: Blob } | null = null;
  const fixed = policy !== "cached" || custom !== null;
  return function robots(): Response {
    const version = fixed ? "fixed" : store.pagesVersion();
    if (cache?.version !== version) {
      const pages = fixed ? undefined : store.pageKeysByDepth();
      cache = { version, body: new Blob([robotsTxt({ custom, policy, pages })]) };
    }
    return robotsResponse(cache.body);
  };
}
