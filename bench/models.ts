// The same crawl on the old default model and the new one (issue 11): output tokens, cost per
// page, rounds and time to the first text token, through the real SDK and a fake upstream that
// behaves as each model does (thinking, tokenizer, max_tokens cut-off, no prefill from 4.6 on).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Effort } from "../src/llm/models.ts";
import { type FakeHandler, htmlDoc, pageReply } from "../test/fixtures/fake-anthropic.ts";
import {
  FAKE_THINKING_TOKENS,
  thinkingTokensFor,
  tokenizerRatio,
} from "../test/fixtures/fake-anthropic-models.ts";
import { keyOf, type Site, startSite } from "../test/fixtures/site.ts";
import { median, ms, type Section } from "./report.ts";

const PAGES = Number(process.env.BENCH_MODEL_PAGES ?? 12);
const MAX_TOKENS = 8192;
/** The fake's writing speed: 10,000 tokens/s, far above a real model's, to keep runs short. */
const MS_PER_TOKEN = 0.1;
const FIRST_TOKEN_MS = 50;

interface Variant {
  label: string;
  model: string;
  effort: Effort | null;
}

const VARIANTS: Variant[] = [
  { label: "old default: claude-sonnet-4-6", model: "claude-sonnet-4-6", effort: null },
  {
    label: "new default: claude-sonnet-5-5, least thinking",
    model: "claude-sonnet-5-5",
    effort: null,
  },
  { label: "claude-sonnet-5-5 --effort high", model: "claude-sonnet-5-5", effort: "high" },
];

/** A ~20 KB page (~4,900 tokens on the 4.x tokenizer) linking to two children. */
function pageFor(key: string): string {
  const base = key === "/" ? "/p" : key.replace(/\.html$/, "");
  const kids = [`${base}-a.html`, `${base}-b.html`];
  const para = "<p>The red planet has two small moons, thin air and the tallest volcano known. ";
  const body = Array.from({ length: 200 }, (_, i) => `${para}Section ${i}.</p>`).join("\n");
  const nav = kids.map((k) => `<a href="${k}">${k}</a>`).join(" ");
  return pageReply(
    htmlDoc(`Page ${key}`, `<nav>${nav}</nav>\n${body}`),
    kids.map((k) => ({ url: k, prompt: `The page ${k}, child of ${key}.` })),
  );
}

/**
 * A model writing `pageFor(key)`: thinking first (the fake decides how much from the request),
 * then the text, cut where thinking plus text reach max_tokens; a continuation goes on from
 * what the earlier assistant turns hold, as a model does.
 */
function crawlHandler(firstText: number[]): FakeHandler {
  return (body) => {
    const full = pageFor(keyOf(body));
    const written = body.messages
      .filter((m) => m.role === "assistant")
      .flatMap((m) =>
        typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content,
      )
      .map((b) => (b.type === "text" ? String(b.text) : ""))
      .join("");
    const rest = full.slice(written.length);
    const ratio = tokenizerRatio(body.model);
    const room = body.max_tokens - thinkingTokensFor(body);
    const fits = Math.max(0, Math.floor((room * 4) / ratio));
    const text = rest.slice(0, fits);
    const started = performance.now();
    return {
      text,
      chunkSize: 200,
      stopReason: text.length < rest.length ? "max_tokens" : "end_turn",
      usage: { input: Math.ceil(((body.messages.length * 200 + 6000) / 4) * ratio) },
      firstTokenDelayMs: FIRST_TOKEN_MS,
      msPerToken: MS_PER_TOKEN,
      // A page's first round only: a continuation's first token is not the visitor's wait.
      onFirstText: () => written === "" && firstText.push(performance.now() - started),
    };
  };
}

interface Result {
  variant: Variant;
  pages: number;
  outputPerPage: number;
  costPerPage: number;
  roundsPerPage: number;
  firstText: number;
}

async function crawl(variant: Variant): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "rabbithole-bench-models-"));
  const firstText: number[] = [];
  const site: Site = startSite({
    dbPath: join(dir, "bench.db"),
    model: variant.model,
    effort: variant.effort,
    maxTokens: MAX_TOKENS,
    depthLimit: 10,
    handler: crawlHandler(firstText),
  });
  try {
    // Breadth first from the homepage, one page at a time, the same keys for every variant.
    const queue = ["/"];
    let done = 0;
    while (done < PAGES && queue.length > 0) {
      const key = queue.shift() as string;
      const r = await site.get(key);
      if (r.status !== 200) throw new Error(`${variant.label}: ${key} answered ${r.status}`);
      queue.push(...[...r.body.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string));
      done++;
    }
    const stats = site.store.stats();
    const rounds = site.store.listPages().length;
    return {
      variant,
      pages: stats.pages,
      outputPerPage: stats.usage.outputTokens / stats.pages,
      costPerPage: stats.spentUsd / stats.pages,
      roundsPerPage: site.fake.calls / rounds,
      firstText: median(firstText),
    };
  } finally {
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchModels(): Promise<Section> {
  const results: Result[] = [];
  for (const v of VARIANTS) results.push(await crawl(v));
  const [old] = results as [Result];
  const rows = results.flatMap((r) => {
    const vs = (x: number, base: number) => (r === old ? undefined : `${(x / base).toFixed(2)}×`);
    const tag = (what: string) => `${r.variant.label}: ${what}`;
    return [
      {
        measure: tag("output tokens per page"),
        value: r.outputPerPage.toFixed(0),
        ratio: vs(r.outputPerPage, old.outputPerPage),
      },
      {
        measure: tag("cost per page"),
        value: `$${r.costPerPage.toFixed(4)}`,
        ratio: vs(r.costPerPage, old.costPerPage),
      },
      { measure: tag("API calls per page"), value: r.roundsPerPage.toFixed(2) },
      {
        measure: tag("first text token (median)"),
        value: ms(r.firstText),
        ratio: vs(r.firstText, old.firstText),
      },
    ];
  });
  return {
    title: "Models: the old default against the new (issue 11)",
    setup:
      `The same breadth-first crawl of ${PAGES} pages (each ~20 KB of HTML, two links) through ` +
      "the real SDK and a fake upstream that behaves as each model does: the 5.x tokenizer " +
      "counts the same text as 1.3× the tokens, thinking comes first and counts toward " +
      `max_tokens (${MAX_TOKENS}), a page that does not fit is cut off and continued (a user ` +
      "turn on 4.6 and 5.5, which refuse prefill). The fake thinks " +
      `${FAKE_THINKING_TOKENS.high?.toLocaleString("en")} tokens at effort high and writes ` +
      `${(1000 / MS_PER_TOKEN).toLocaleString("en")} tokens/s after a ${FIRST_TOKEN_MS} ms first-token delay. Prices ` +
      "from src/llm/prices.ts; input uncached.",
    rows,
    notes: [
      "Time to first text token is the fake's: thinking tokens ÷ writing speed, plus the " +
        "first-token delay. At an assumed real writing speed of ~75 tokens/s (not measured here), 2,000 thinking tokens would be ~27 s " +
        "before the page's first byte; least thinking (between_tools) adds none.",
      "Before this change, rabbithole sent no thinking setting, so on a 5.5 model it got " +
        "adaptive thinking at the API's default effort, high: the third row. And with prefill " +
        "refused, every page cut off (as these are at high effort) failed with 400 instead.",
    ],
  };
}

if (import.meta.main) {
  const s = await benchModels();
  for (const r of s.rows) console.log(`${r.measure}: ${r.value}${r.ratio ? ` (${r.ratio})` : ""}`);
}
