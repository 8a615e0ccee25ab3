// Automated visitors. Every click on a link nobody has opened yet costs the operator a
// generation, and a crawler clicks every link it finds: a public rabbithole is crawled within
// hours. So a request whose user agent names a crawler, an AI fetcher, an SEO tool or a
// scraping library never starts a generation (unless the operator says so with --bot-policy).
//
// The list below is data: user-agent names as their operators publish them, plus a few generic
// shapes. Reviewed 2026-11-22 against the vendors' crawler pages (Google, Bing, OpenAI,
// Anthropic, Perplexity, Apple, Amazon, Meta, Common Crawl, Ahrefs, Semrush, Yandex, Baidu,
// DuckDuckGo, Huawei Petal) and cross-checked with the patterns of the isbot package
// (github.com/omrilotan/isbot, src/patterns.json). It only has to catch what says who it is:
// a scraper that claims to be Chrome is caught by the rate limit, not here.
//
// Deliberately NOT listed: curl and HTTPie (a person testing one URL by hand; they never follow
// links) and the default agents of the Bun, Deno and Node runtimes (an operator's own scripts;
// a crawler library built on them announces itself, as node-fetch and axios do). Wget and
// HTTrack ARE listed: their point is mirroring a whole site, which here means paying for it.

import type { BotPolicy } from "../../config/bot-policy.ts";
import { htmlResponse } from "../respond/respond.ts";
import { errorPage } from "../views/status-pages.ts";

/** Names matched as plain, case-insensitive substrings. */
const NAMES: readonly string[] = [
  // Search engines (most also match the generic "bot" shape; listed to be explicit).
  "googlebot",
  "googleother",
  "google-inspectiontool",
  "google-site-verification",
  "google-read-aloud",
  "mediapartners-google",
  "adsbot-google",
  "apis-google",
  "feedfetcher-google",
  "storebot-google",
  "bingbot",
  "bingpreview",
  "msnbot",
  "adidxbot",
  "yandexbot",
  "baiduspider",
  "duckduckbot",
  "duckassistbot",
  "petalbot",
  "applebot",
  "amazonbot",
  "slurp",
  "sogou",
  "seznambot",
  "qwantbot",
  "mojeekbot",
  // AI crawlers and fetchers.
  "gptbot",
  "chatgpt-user",
  "oai-searchbot",
  "claudebot",
  "claude-user",
  "claude-searchbot",
  "claude-web",
  "anthropic-ai",
  "ccbot",
  "perplexitybot",
  "perplexity-user",
  "bytespider",
  "cohere-ai",
  "meta-externalagent",
  "meta-externalfetcher",
  "ai2bot",
  "youbot",
  "diffbot",
  "timpibot",
  "imagesiftbot",
  "img2dataset",
  "omgili",
  "webzio",
  // SEO and marketing crawlers.
  "ahrefsbot",
  "ahrefssiteaudit",
  "semrushbot",
  "mj12bot",
  "dotbot",
  "blexbot",
  "dataforseobot",
  "serpstatbot",
  "barkrowler",
  "megaindex",
  // Link previews: one fetch per shared link, but of exactly the unopened pages people share.
  "facebookexternalhit",
  "facebookcatalog",
  "twitterbot",
  "linkedinbot",
  "slackbot",
  "slack-imgproxy",
  "discordbot",
  "telegrambot",
  "whatsapp",
  "skypeuripreview",
  "embedly",
  "quora link preview",
  "pinterestbot",
  "redditbot",
  // Archivers and site copiers.
  "ia_archiver",
  "archive.org_bot",
  "heritrix",
  "nutch",
  "httrack",
  "wget",
  // HTTP libraries and scraping frameworks.
  "python-requests",
  "python-urllib",
  "python-httpx",
  "aiohttp",
  "go-http-client",
  "scrapy",
  "okhttp",
  "apache-httpclient",
  "java/",
  "libwww-perl",
  "guzzlehttp",
  "node-fetch",
  "axios/",
  "undici",
  // Headless and monitoring browsers, scanners.
  "headlesschrome",
  "phantomjs",
  "chrome-lighthouse",
  "pingdom",
  "statuscake",
  "censysinspect",
  "zgrab",
  "masscan",
  "nmap scripting engine",
  "nikto",
  "sqlmap",
  "nuclei",
];

/** Generic shapes, as regex sources, each with the false positive it is written to avoid. */
const SHAPES: readonly string[] = [
  // "bot" or "bots" ending a word ("SomeBot/1.0", "foo_bot", "Slackbot-LinkExpanding") but not
  // the Cubot phones ("CUBOT_X30", "Cubot Note 20"); "Roboto" does not end a word at "bot".
  String.raw`(?<!cu)bots?(?:\b|_)`,
  "crawl",
  "spider",
  "scrap(?:er|ing|y)",
  // The "+http://example.com/bot.html" contact convention; no browser sends a "+http".
  String.raw`\+https?://`,
  "headless",
];

// One precompiled alternation: a user agent is tested once per request that could generate.
const BOT_PATTERN = new RegExp(
  [...NAMES.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")), ...SHAPES].join("|"),
  "i",
);

/**
 * Whether a user agent is an automated client. A missing or blank one counts: every browser
 * sends one, so its absence means a script (curl, which a person uses, sends its own).
 */
export function isBot(userAgent: string | null): boolean {
  if (userAgent === null || userAgent.trim() === "") return true;
  return BOT_PATTERN.test(userAgent);
}

/**
 * What a bot may do on `path` (a page, when not given) under `policy`: `generate` (like a
 * person), `read` (cached pages and system routes only) or `none` (403). /robots.txt stays
 * readable so a denied crawler can learn why; /__health so uptime monitors with bot-like agents
 * keep working.
 */
export function botAccess(policy: BotPolicy, path = ""): "generate" | "read" | "none" {
  if (policy === "allow") return "generate";
  if (policy === "cached") return "read";
  return path === "/robots.txt" || path === "/__health" ? "read" : "none";
}

/** 503 for a page a bot asked for that nobody has opened yet. */
export function botUncachedResponse(): Response {
  const page = errorPage(
    503,
    "Not written yet",
    "Pages on this site are written the first time a person opens them, and this one has not " +
      "been yet. Automated visitors can read every page that already exists.",
  );
  // A day: the page appears only when a person opens it, which no crawler can hasten.
  return htmlResponse(page, 503, { "retry-after": "86400" });
}

/** 403 for any bot request under `deny`. */
export function botForbiddenResponse(): Response {
  const page = errorPage(
    403,
    "No automated visitors",
    "This site is not open to crawlers or scripts. See /robots.txt.",
  );
  return htmlResponse(page, 403);
}
