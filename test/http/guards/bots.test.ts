import { describe, expect, test } from "bun:test";
import { BOT_POLICIES, parseBotPolicy } from "../../../src/config/bot-policy.ts";
import {
  botAccess,
  botForbiddenResponse,
  botUncachedResponse,
  isBot,
} from "../../../src/http/guards/bots.ts";
import { ROBOTS_MAX_BYTES, robotsResponse, robotsTxt } from "../../../src/http/guards/robots.ts";

// User agents as the vendors publish them (or as seen in access logs).
const BOTS = [
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like " +
    "Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; " +
    "+http://www.google.com/bot.html)",
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; " +
    "+http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; " +
    "+https://openai.com/gptbot)",
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ChatGPT-User/1.0; " +
    "+https://openai.com/bot",
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; " +
    "+claudebot@anthropic.com)",
  "anthropic-ai",
  "CCBot/2.0 (https://commoncrawl.org/faq/)",
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; " +
    "+https://perplexity.ai/perplexitybot)",
  "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 " +
    "(compatible; Bytespider; spider-feedback@bytedance.com)",
  "Mozilla/5.0 (compatible; Amazonbot/0.1; +https://developer.amazon.com/support/amazonbot)",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
    "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
  "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
  "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
  "Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)",
  "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)",
  "Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)",
  "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
  "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
  "DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)",
  "Mozilla/5.0 (compatible;PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
  "python-requests/2.32.3",
  "Go-http-client/1.1",
  "Go-http-client/2.0",
  "Scrapy/2.11.2 (+https://scrapy.org)",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "HeadlessChrome/131.0.0.0 Safari/537.36",
  "Wget/1.21.4",
  "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
  "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
  "Twitterbot/1.0",
  "some_internal_bot",
  "AcmeCrawler/0.3",
  "okhttp/4.12.0",
  "Java/17.0.2",
];

const PEOPLE = [
  // Chrome on Windows, macOS, Linux (reduced UA) and Android.
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/131.0.0.0 Safari/537.36",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 " +
    "Safari/537.36",
  "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 " +
    "Mobile Safari/537.36",
  // Edge, Opera, Samsung Internet, Yandex Browser.
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
  "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/130.0.0.0 YaBrowser/24.12.0.0 Safari/537.36",
  // Firefox on desktop, Android and iOS.
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
  "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like " +
    "Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
  // Safari on macOS, iPhone and iPad; Chrome on iOS.
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
    "Version/18.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like " +
    "Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
    "Version/17.7 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like " +
    "Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
  // Cubot phones: the classic false positive of a naive "bot" match.
  "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/96.0.4664.45 Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android 12; Cubot Note 20) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/120.0.0.0 Mobile Safari/537.36",
  "Mozilla/5.0 (Linux; Android 9; KINGKONG 5 Pro Build/PPR1.180610.011; CUBOT) AppleWebKit/537.36" +
    " (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36",
  // In-app browsers.
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like " +
    "Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.38.108;FBBV/600000000;FBDV/iPhone14,2;" +
    "FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]",
  "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML," +
    " like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 Instagram 312.0.0.32.112",
  // A person testing by hand (documented choice in bots.ts).
  "curl/8.11.0",
];

describe("isBot", () => {
  test.each(BOTS)("a bot: %s", (ua) => {
    expect(isBot(ua)).toBe(true);
  });

  test.each(PEOPLE)("a person: %s", (ua) => {
    expect(isBot(ua)).toBe(false);
  });

  test("no user agent at all is a script: every browser sends one", () => {
    expect(isBot(null)).toBe(true);
    expect(isBot("")).toBe(true);
    expect(isBot("   ")).toBe(true);
  });

  test("matching ignores case", () => {
    expect(isBot("GOOGLEBOT/2.1")).toBe(true);
    expect(isBot("claudebot")).toBe(true);
  });

  test("a huge user agent is answered, not a hang", () => {
    expect(isBot(`Mozilla/5.0 ${"x".repeat(100_000)}`)).toBe(false);
    expect(isBot(`${"a".repeat(100_000)} Googlebot`)).toBe(true);
  });
});

describe("bot policy", () => {
  test("parses the three policies, ignoring case and spaces", () => {
    expect(parseBotPolicy("cached")).toBe("cached");
    expect(parseBotPolicy(" Allow ")).toBe("allow");
    expect(parseBotPolicy("DENY")).toBe("deny");
    expect(BOT_POLICIES).toEqual(["cached", "allow", "deny"]);
  });

  test("an unknown value is a plain error naming the allowed ones", () => {
    expect(() => parseBotPolicy("block")).toThrow(
      'unknown bot policy "block": use one of cached, allow, deny',
    );
    expect(() => parseBotPolicy("")).toThrow(Error);
  });

  test("access per policy", () => {
    expect(botAccess("allow", "/x.html")).toBe("generate");
    expect(botAccess("cached", "/x.html")).toBe("read");
    expect(botAccess("deny", "/x.html")).toBe("none");
    expect(botAccess("deny", "/")).toBe("none");
    expect(botAccess("deny", "/robots.txt")).toBe("read");
    expect(botAccess("deny", "/__health")).toBe("read");
  });

  test("refusals: 503 with a long Retry-After for unwritten pages, 403 under deny", async () => {
    const uncached = botUncachedResponse();
    expect(uncached.status).toBe(503);
    expect(uncached.headers.get("retry-after")).toBe("86400");
    expect(uncached.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await uncached.text()).toContain("Not written yet");
    const denied = botForbiddenResponse();
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain("/robots.txt");
  });
});

describe("robots.txt", () => {
  const rules = (txt: string) => txt.split("\n").filter((l) => /^(Allow|Disallow):/.test(l));

  test("cached (default): allows exactly the written pages, disallows everything else", () => {
    const txt = robotsTxt({ custom: null, pages: ["/", "/a.html", "/docs/"] });
    expect(txt).toContain("User-agent: *\n");
    expect(txt).toContain("Crawl-delay: 10\n");
    // Allow lines first, for crawlers that take the first matching rule.
    expect(rules(txt)).toEqual(["Allow: /$", "Allow: /a.html$", "Allow: /docs/$", "Disallow: /"]);
    expect(txt.endsWith("\n")).toBe(true);
  });

  test("cached with no page written yet disallows everything", () => {
    expect(rules(robotsTxt({ custom: null }))).toEqual(["Disallow: /"]);
  });

  test("keys a robots.txt rule cannot state exactly stay disallowed", () => {
    const txt = robotsTxt({ custom: null, pages: ["/a*b.html", "/c$.html", "/ok.html"] });
    expect(rules(txt)).toEqual(["Allow: /ok.html$", "Disallow: /"]);
  });

  test("the list is cut below the size crawlers must read, and says so", () => {
    const pages = Array.from({ length: 20_000 }, (_, i) => `/${"p".repeat(40)}-${i}.html`);
    const txt = robotsTxt({ custom: null, pages });
    expect(new TextEncoder().encode(txt).length).toBeLessThanOrEqual(ROBOTS_MAX_BYTES);
    expect(txt).toMatch(/# \d+ more written pages are not listed/);
    expect(rules(txt).at(-1)).toBe("Disallow: /");
    expect(rules(txt)[0]).toBe(`Allow: /${"p".repeat(40)}-0.html$`);
  });

  test("allow keeps crawlers off the system routes only; deny keeps them off everything", () => {
    expect(rules(robotsTxt({ custom: null, policy: "allow", pages: ["/"] }))).toEqual([
      "Disallow: /__",
    ]);
    const deny = robotsTxt({ custom: null, policy: "deny", pages: ["/"] });
    expect(rules(deny)).toEqual(["Disallow: /"]);
    expect(deny).not.toContain("Crawl-delay");
  });

  test("a custom file is served as it is, whatever the policy", () => {
    const custom = "User-agent: *\nAllow: /\n";
    expect(robotsTxt({ custom, policy: "deny" })).toBe(custom);
    expect(robotsTxt({ custom: "User-agent: *\nDisallow:" })).toBe("User-agent: *\nDisallow:\n");
  });

  test("served as plain text", async () => {
    const res = robotsResponse("User-agent: *\n");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe("User-agent: *\n");
  });
});
