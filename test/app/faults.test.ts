// Upstream faults: nothing half-written is ever cached, every attempt is billed, the server
// stays healthy, and one failing page never affects another. Per contract (fixtures/contracts.ts):
// under site memory a page in the shell has sent its head and header before the model's first
// token, so a failure that the original contract answers with a 503 page ends that page instead.

import { afterEach, describe, expect, test } from "bun:test";
import { MAX_ROUNDS } from "../../src/llm/anthropic.ts";
import { type Contract, describeEachContract } from "../fixtures/contracts.ts";
import { type FakeReply, inOrder } from "../fixtures/fake-anthropic.ts";
import { keyOf, type Site, type SiteOptions } from "../fixtures/site.ts";

const BODY = '<h1>Home</h1><a href="/a.html">a</a>';
const LINKS = [
  { url: "/a.html", prompt: "A" },
  { url: "/b.html", prompt: "B" },
];

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

/** A failure seen by the visitor: a 503 page, or (a page in the shell) the page's notice. */
function expectFailurePage(c: Contract, r: { status: number; body: string }, says: string) {
  if (c.shell) {
    expect(r.status).toBe(200);
    expect(r.body).toContain("</header>");
    expect(r.body).toContain('role="alert"');
  } else {
    expect(r.status).toBe(503);
  }
  expect(r.body).toContain(says);
}

describeEachContract((c) => {
  const KEY = c.key;
  const PAGE = c.answer(BODY, LINKS);
  const DOC = c.page(BODY);
  function open(first: FakeReply | FakeReply[], opts: SiteOptions = {}) {
    const replies = Array.isArray(first) ? first : [first];
    site = c.start({ handler: inOrder(...replies, { text: PAGE }), ...opts });
    return site;
  }

  /** After a fault: nothing cached, the attempt billed, health fine, and a retry works. */
  async function expectRecovered(s: Site, failures = 1) {
    expect(s.store.getPage(KEY)).toBeNull();
    expect(s.store.stats().failedAttempts).toBe(failures);
    expect((await s.request("/__health")).status).toBe(200);
    const again = await s.get(KEY);
    expect(again.status).toBe(200);
    expect(again.body).toBe(DOC);
  }
  describe("retried by the SDK before the stream starts", () => {
    for (const [status, type] of [
      [429, "rate_limit_error"],
      [529, "overloaded_error"],
      [500, "api_error"],
    ] as const) {
      test(`${status} then success: the page is written, one attempt billed`, async () => {
        const s = open(
          { httpError: { status, type, headers: { "retry-after-ms": "5" } } },
          { maxRetries: 2 },
        );
        const r = await s.get(KEY);
        expect(r.status).toBe(200);
        expect(r.body).toBe(DOC);
        expect(s.fake.calls).toBe(2);
        expect(s.store.stats().attempts).toBe(c.seeded + 1);
      });
    }

    test("the retry waits as long as the API's retry-after asks", async () => {
      const at: number[] = [];
      const limited: FakeReply = {
        httpError: { status: 429, type: "rate_limit_error", headers: { "retry-after": "1" } },
      };
      const replies = inOrder(limited, { text: PAGE });
      site = c.start({
        maxRetries: 2,
        handler: (...args) => {
          at.push(Date.now());
          return replies(...args);
        },
      });
      expect((await site.get(KEY)).status).toBe(200);
      expect(at).toHaveLength(2);
      // Without the header the SDK's own backoff would retry after about half a second.
      expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(900);
    });

    test("retries run out: 503 page, nothing cached, the next request starts afresh", async () => {
      const busy: FakeReply = { httpError: { status: 529, type: "overloaded_error" } };
      const s = open([busy, busy, busy], { maxRetries: 2 });
      const r = await s.get(KEY);
      expectFailurePage(c, r, "could not be");
      if (!c.shell) expect(r.res.headers.get("retry-after")).toBeTruthy();
      expect(s.fake.calls).toBe(3);
      await expectRecovered(s);
    });
  });

  describe("failures inside the stream", () => {
    const faults: [string, FakeReply, SiteOptions][] = [
      ["an error event", { text: PAGE, chunkSize: 10, errorAfterChunks: { after: 3 } }, {}],
      ["a reset connection", { text: PAGE, chunkSize: 10, resetAfterChunks: 3 }, {}],
      [
        "a stall longer than the stall timeout",
        { text: PAGE, chunkSize: 10, stallAfterChunks: 3 },
        { stallMs: 300 },
      ],
      [
        "a stream that ends without message_stop",
        { text: PAGE, chunkSize: 10, endAfterChunks: 3 },
        {},
      ],
    ];
    for (const [what, reply, opts] of faults) {
      test(`${what}: the visitor gets a notice, nothing is cached, the server is fine`, async () => {
        const s = open(reply, opts);
        const r = await s.get(KEY);
        expect(r.body).toContain('role="alert"');
        expect(r.body).not.toContain("---MAPPINGS---");
        await expectRecovered(s);
      });
    }

    test("the stall is logged and billed as such", async () => {
      const s = open(
        { text: PAGE, chunkSize: 10, stallAfterChunks: 2, usage: { input: 500 } },
        { stallMs: 200 },
      );
      await s.get(KEY);
      const line = s.logger.lines.find((l) => l.args[0] === "generation");
      expect(JSON.stringify(line?.args[1])).toContain("stalled");
      // Chat Completions reports usage only at the end: the client bills the request's size
      // (3 bytes a token, as --context-tokens estimates) rather than nothing.
      const wire = s.fake.requests[0]?.wire;
      const input = wire ? Math.ceil(Buffer.byteLength(JSON.stringify(wire)) / 3) : 500;
      expect(s.store.stats().usage.inputTokens).toBe(input);
    });
  });

  describe("what the model decides", () => {
    test("a refusal is a failure with its own explanation page, billed, not cached", async () => {
      const s = open({ text: "I can't help with that.", stopReason: "refusal" });
      const r = await s.get(KEY);
      expectFailurePage(c, r, "declined");
      expect(s.store.getPage(KEY)).toBeNull();
      expect(s.store.stats().failedAttempts).toBe(1);
    });

    test("a page cut off by max_tokens is continued into one seamless, cached page", async () => {
      const cut = PAGE.indexOf("<h1>");
      const s = open([
        { text: PAGE.slice(0, cut), stopReason: "max_tokens", chunkSize: 8 },
        { text: PAGE.slice(cut), chunkSize: 8 },
      ]);
      const r = await s.get(KEY);
      expect(r.body).toBe(DOC);
      expect(s.store.getPage(KEY)?.html).toBe(DOC);
      expect(s.store.getMapping("/a.html")).not.toBeNull();
      expect(s.fake.calls).toBe(2);
    });

    test("still cut off after every continuation: a failure, nothing cached", async () => {
      const cut: FakeReply = {
        text: "<!DOCTYPE html><html><body><p>more ",
        stopReason: "max_tokens",
      };
      const s = open([cut, cut, cut, cut, cut]);
      const r = await s.get(KEY);
      expect(r.body).toContain('role="alert"');
      expect(s.store.getPage(KEY)).toBeNull();
      expect(s.fake.calls).toBe(4);
    });

    // Claude's server tools and pause_turn exist only on Anthropic's API.
    const anthropicOnly = c.provider === "anthropic" ? test : test.skip;
    anthropicOnly(
      "server tools over pause_turn: one page, searches billed, tool blocks not page text",
      async () => {
        const half = PAGE.indexOf("<h1>");
        const s = open(
          [
            {
              text: PAGE.slice(0, half),
              stopReason: "pause_turn",
              toolBlocks: [{ kind: "web_search", query: "mars" }],
            },
            {
              text: PAGE.slice(half),
              toolBlocks: [{ kind: "web_fetch", url: "https://example.com/", afterChunk: 0 }],
            },
          ],
          { webTools: true },
        );
        const r = await s.get(KEY);
        expect(r.body).toBe(DOC);
        expect(s.fake.requests[0]?.body.tools?.map((t) => t.name)).toEqual([
          "web_search",
          "web_fetch",
        ]);
        expect(s.store.stats().usage.webSearches).toBe(1);
        expect(s.store.stats().attempts).toBe(c.seeded + 1);
      },
    );

    anthropicOnly(
      `the round limit: ${MAX_ROUNDS} pause_turns and still no page is a failure`,
      async () => {
        const pause: FakeReply = {
          text: "",
          stopReason: "pause_turn",
          toolBlocks: [{ kind: "web_search", query: "q" }],
        };
        const s = open(
          Array.from({ length: MAX_ROUNDS + 2 }, () => pause),
          { webTools: true },
        );
        await s.get(KEY);
        expect(s.fake.calls).toBe(MAX_ROUNDS);
        expect(s.store.getPage(KEY)).toBeNull();
        expect(s.store.stats().failedAttempts).toBe(1);
      },
    );
  });

  describe("a bad API key", () => {
    test("is logged loudly, answers 503, and does not hammer the API", async () => {
      const s = open(
        {
          httpError: { status: 401, type: "authentication_error", message: "invalid x-api-key" },
        },
        { authCooldownMs: 200 },
      );
      const first = await s.get(KEY);
      expectFailurePage(c, first, "could not be");
      const key = c.provider === "openai" ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY";
      const loud = s.logger.lines.find(
        (l) => l.level === "error" && String(l.args[0]).includes(key),
      );
      expect(loud).toBeDefined();
      const second = await s.get(KEY);
      expect(second.status).toBe(503);
      expect(s.fake.calls).toBe(1);
      expect((await s.request("/__health")).status).toBe(200);
      await Bun.sleep(250);
      expect((await s.get(KEY)).status).toBe(200);
      expect(s.fake.calls).toBe(2);
    });
  });

  describe("isolation", () => {
    test("one failing page never affects another being written at the same time", async () => {
      const child = (key: string) => c.childAnswer(key, `<h1>${key}</h1>`);
      site = c.start({
        handler: (body) => {
          const key = keyOf(body);
          if (key === "/a.html")
            return { text: PAGE, chunkSize: 10, chunkDelayMs: 5, errorAfterChunks: { after: 4 } };
          return { text: key === KEY ? PAGE : child(key), chunkSize: 10, chunkDelayMs: 5 };
        },
      });
      await site.get(KEY);
      const [a, b] = await Promise.all([site.get("/a.html"), site.get("/b.html")]);
      expect(a.body).toContain('role="alert"');
      expect(b.body).toBe(c.childPage("/b.html", "<h1>/b.html</h1>"));
      expect(site.store.getPage("/b.html")).not.toBeNull();
      expect(site.store.getPage("/a.html")).toBeNull();
    });
  });
});
