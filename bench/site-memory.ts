// Site memory (issue 14): the same site with --memory on and off, through the real SDK and a
// fake upstream answering with realistic pages (bench/memory-answers.ts). Output tokens, input
// tokens and their cached share, cost per page, and time to first paint of a new page.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeHandler, FakeRequestBody } from "../test/fixtures/fake-anthropic.ts";
import { tokenizerRatio } from "../test/fixtures/fake-anthropic-models.ts";
import { keyOf, listen, startSite, userPromptOf } from "../test/fixtures/site.ts";
import {
  childKeys,
  HOME,
  offAnswer,
  onContentAnswer,
  onHomeAnswer,
  SIBLING,
} from "./memory-answers.ts";
import { median, ms, type Row, type Section } from "./report.ts";

const CHILDREN = Number(process.env.BENCH_MEMORY_PAGES ?? 8);
const FIRST_TOKEN_MS = 1500;
/** A model's writing speed, scaled down 100× (real: ~60-80 tokens/s) to keep runs short. */
const MS_PER_TOKEN = 0.15;
// The smallest prefix each model caches (NOTES.md): Sonnet 4.6 was measured at about 2,048;
// the 5.5 models at 512.
const MIN_CACHE: Record<string, number> = { "claude-sonnet-4-6": 2048, "claude-sonnet-5-5": 512 };

interface Result {
  pages: number;
  output: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  cost: number;
  paint: number;
  prefixTokens: number;
}

const tokens = (chars: number, model: string) => Math.ceil((chars / 4) * tokenizerRatio(model));

/** Input tokens as the API would count and cache them: the prefix up to the last breakpoint. */
function usageOf(body: FakeRequestBody, seen: Set<string>) {
  const blocks = Array.isArray(body.system) ? body.system : [];
  const last = blocks.findLastIndex((b) => b.cache_control);
  const prefix = JSON.stringify(blocks.slice(0, last + 1));
  const prefixTokens = tokens(
    blocks.slice(0, last + 1).reduce((n, b) => n + b.text.length, 0),
    body.model,
  );
  const rest = tokens(userPromptOf(body).length, body.model) + 20;
  if (prefixTokens < (MIN_CACHE[body.model] ?? 1024))
    return { input: prefixTokens + rest, prefixTokens };
  const hit = seen.has(prefix);
  seen.add(prefix);
  return hit
    ? { input: rest, cacheRead: prefixTokens, prefixTokens }
    : { input: rest, cacheWrite: prefixTokens, prefixTokens };
}

async function crawl(model: string, memory: boolean): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "rabbithole-bench-site-memory-"));
  const seen = new Set<string>();
  const prefixes: number[] = [];
  const handler: FakeHandler = (body) => {
    const key = keyOf(body);
    const text = memory
      ? key === "/"
        ? onHomeAnswer()
        : onContentAnswer(key)
      : offAnswer(key, key === "/" ? HOME : SIBLING);
    const { prefixTokens, ...usage } = usageOf(body, seen);
    if (key !== "/") prefixes.push(prefixTokens);
    return {
      text,
      usage,
      chunkSize: 400,
      msPerToken: MS_PER_TOKEN,
      firstTokenDelayMs: key === "/" ? 0 : FIRST_TOKEN_MS,
    };
  };
  const site = startSite({
    dbPath: join(dir, "bench.db"),
    model,
    memory,
    handler,
    depthLimit: 5,
    maxTokens: 16_000,
  });
  const server = listen(site);
  const paints: number[] = [];
  try {
    if ((await site.get("/")).status !== 200) throw new Error(`${model}: / failed`);
    for (const { url } of childKeys("/", CHILDREN)) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}${url}`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const dec = new TextDecoder();
      let seenText = "";
      let painted = false;
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        seenText += dec.decode(r.value, { stream: true });
        // First paint: the browser has the head and the site's header to show.
        if (!painted && seenText.includes("</header>")) {
          paints.push(performance.now() - t0);
          painted = true;
        }
      }
      if (res.status !== 200 || !painted)
        throw new Error(`${model}: ${url} answered ${res.status}`);
    }
    const s = site.store.stats();
    return {
      pages: s.pages,
      output: s.usage.outputTokens / s.pages,
      input: (s.usage.inputTokens + s.usage.cacheReadTokens + s.usage.cacheWriteTokens) / s.pages,
      cacheRead: s.usage.cacheReadTokens / s.pages,
      cacheWrite: s.usage.cacheWriteTokens / s.pages,
      cost: s.spentUsd / s.pages,
      paint: median(paints),
      prefixTokens: median(prefixes),
    };
  } finally {
    await server.stop();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSiteMemory(): Promise<Section> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const model of ["claude-sonnet-4-6", "claude-sonnet-5-5"]) {
    const off = await crawl(model, false);
    const on = await crawl(model, true);
    const r = (x: number, base: number) => `${(x / base).toFixed(2)}×`;
    const tag = (what: string) => `${model}: ${what}`;
    const share = (x: Result) => `${(((x.cacheRead + x.cacheWrite) / x.input) * 100).toFixed(0)} %`;
    rows.push(
      {
        measure: tag("output tokens per page"),
        value: on.output.toFixed(0),
        baseline: off.output.toFixed(0),
        ratio: r(on.output, off.output),
        target: "≤ 0.6×",
        met: on.output <= 0.6 * off.output,
      },
      {
        measure: tag("input tokens per page (cached share)"),
        value: `${on.input.toFixed(0)} (${share(on)})`,
        baseline: `${off.input.toFixed(0)} (${share(off)})`,
        ratio: r(on.input, off.input),
      },
      {
        measure: tag("cost per page"),
        value: `$${on.cost.toFixed(4)}`,
        baseline: `$${off.cost.toFixed(4)}`,
        ratio: r(on.cost, off.cost),
      },
      {
        measure: tag(
          `first paint of a new page (upstream first token after ${FIRST_TOKEN_MS} ms, median)`,
        ),
        value: ms(on.paint),
        baseline: ms(off.paint),
        target: "≤ 50 ms",
        met: on.paint <= 50,
      },
    );
    notes.push(
      `${model}: the cached prefix (fixed prompt + bible) is ${on.prefixTokens} tokens by the ` +
        `fake's count (chars/4 × the model's tokenizer ratio); the model caches from ` +
        `${MIN_CACHE[model]}. Memory off caches its system prompt alone (${off.prefixTokens} tokens)` +
        `${off.prefixTokens < (MIN_CACHE[model] ?? 0) ? ", below that minimum: nothing is cached" : ""}.`,
    );
  }
  return {
    title: "Site memory: --memory on against off (issue 14)",
    setup:
      `The same site crawled twice per model, homepage then ${CHILDREN} new pages, through the real SDK ` +
      "and a fake upstream whose answers are the realistic fixture pages (bench/memory-answers.ts): " +
      "off = the whole ~18 KB document plus 10 self-contained briefs of ~230 words; on = the homepage " +
      "as a document with 10 short briefs (~50 words), canon and a ~330-word bible, later pages as " +
      "content only (title, a small page style, main) with 10 short briefs and 4 canon lines. Tokens " +
      "are the fake's count (chars/4 × tokenizer ratio), the same arithmetic for both sides; input is " +
      "cached as the API would (prefix up to the last cache_control, from the model's minimum). " +
      `Costs from the price table. First paint: request → the response holding the site's </header>.`,
    rows,
    notes,
  };
}
