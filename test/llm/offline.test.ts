import { describe, expect, test } from "bun:test";
import { parseOutput } from "../../src/contract/parse.ts";
import { buildUserPrompt, SYSTEM_PROMPT } from "../../src/contract/prompt.ts";
import { ZERO_USAGE } from "../../src/core/types.ts";
import { createOfflineClient } from "../../src/llm/offline.ts";
import { OFFLINE_BANNER } from "../../src/llm/offline-page.ts";

const SEED = "Moonwatch: a field guide to the moons of Jupiter for curious kids, warm and playful.";

function request(key: string, prompt: string, depth = 1, depthLimit = 3) {
  return {
    system: SYSTEM_PROMPT,
    prompt: buildUserPrompt({ key, prompt, depth, depthLimit }),
    maxTokens: 8192,
  };
}

async function page(key: string, prompt: string, depth = 1, depthLimit = 3) {
  const result = await createOfflineClient({ chunkDelayMs: 0 }).generate(
    request(key, prompt, depth, depthLimit),
  );
  return { result, parsed: parseOutput(result.text, { allowMappings: true, base: key }) };
}

describe("offline client", () => {
  test("is free, named offline, and reports zero usage in one round", async () => {
    const client = createOfflineClient({ chunkDelayMs: 0 });
    expect(client.model).toBe("offline");
    expect(client.free).toBe(true);
    const { result } = await page("/", SEED);
    expect(result.usage).toEqual({ ...ZERO_USAGE });
    expect(result).toMatchObject({ stopReason: "end_turn", model: "offline", rounds: 1 });
  });

  test("writes a whole document with the banner, title and brief", async () => {
    const { parsed } = await page("/", SEED);
    expect(parsed.html).not.toBeNull();
    const html = parsed.html as string;
    expect(html).toContain(OFFLINE_BANNER);
    expect(OFFLINE_BANNER).toBe("Placeholder page — generated offline, no AI involved");
    expect(html).toContain("<title>Moonwatch</title>");
    expect(html).toContain("<style>");
    expect(html).not.toMatch(/<script|<link|https?:/);
  });

  test("links 4 to 6 child pages, each with a self-contained prompt, and shows them", async () => {
    const { parsed } = await page("/", SEED);
    expect(parsed.mappings.length).toBeGreaterThanOrEqual(4);
    expect(parsed.mappings.length).toBeLessThanOrEqual(6);
    for (const m of parsed.mappings) {
      expect(m.url).toMatch(/^\/[\p{L}\p{N}%]+\.html$/u);
      expect(parsed.html).toContain(`href="${m.url}"`);
      expect(m.prompt).toContain("Site: Moonwatch");
      expect(m.prompt).toContain("About: Moonwatch: a field guide to the moons of Jupiter");
      expect(m.prompt).toMatch(/^Topic: \S+/m);
      expect(m.prompt).toMatch(/Design: .*#fafaf7/);
      expect(m.prompt).toContain("Navigation: Home (/)");
    }
  });

  test("child URLs come from the words of the brief", async () => {
    const { parsed } = await page("/", SEED);
    for (const m of parsed.mappings) {
      const word = m.url.slice(1, -".html".length);
      expect(SEED.toLowerCase()).toContain(word);
    }
  });

  test("a one-line seed links the homepage to its own subjects, not to filler", async () => {
    const { parsed } = await page("/", "A homepage about space exploration");
    const urls = parsed.mappings.map((m) => m.url);
    expect(urls).toContain("/space.html");
    expect(urls).toContain("/exploration.html");
    expect(urls).not.toContain("/homepage.html");
    expect(parsed.html).toContain("<title>A homepage about space exploration</title>");
  });

  test("a grown site keeps its name and links deeper under the page's own path", async () => {
    const root = await page("/", SEED);
    const child = root.parsed.mappings[0];
    if (!child) throw new Error("no child");
    const next = await page(child.url, child.prompt, 2, 3);
    expect(next.parsed.html).toContain(">Moonwatch</a>");
    expect(next.parsed.html).toContain(`<a href="/">Home</a>`);
    const stem = child.url.replace(/\.html$/, "");
    expect(next.parsed.mappings.length).toBeGreaterThanOrEqual(4);
    for (const m of next.parsed.mappings) expect(m.url.startsWith(`${stem}/`)).toBe(true);
  });

  test("adds no links at the depth limit, but still links home and back", async () => {
    const brief = "Site: Moonwatch\nTopic: Io\nParent: /moons.html\nAll about Io.";
    const { result, parsed } = await page("/moons/io.html", brief, 3, 3);
    expect(parsed.mappings).toEqual([]);
    expect(result.text.trimEnd().endsWith("---MAPPINGS---\n[]")).toBe(true);
    expect(parsed.html).toContain('href="/moons.html"');
    const hrefs = [...(parsed.html as string).matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(hrefs)).toEqual(new Set(["/", "/moons.html"]));
  });

  test("is deterministic for the same input and differs for another", async () => {
    const a = await page("/", SEED);
    const b = await page("/", SEED);
    expect(a.result.text).toBe(b.result.text);
    const c = await page("/", "Tidepool: a guide to rock pools, crabs, anemones and seaweed.");
    expect(c.result.text).not.toBe(a.result.text);
    expect(c.parsed.mappings.map((m) => m.url)).not.toEqual(a.parsed.mappings.map((m) => m.url));
  });

  test("escapes the brief into the page", async () => {
    const { parsed } = await page("/", 'Evil <script>alert("x")</script> & co.');
    expect(parsed.html).not.toContain("<script>");
    expect(parsed.html).toContain("&lt;script&gt;");
  });

  test("accepts a bare prompt that buildUserPrompt did not write", async () => {
    const result = await createOfflineClient({ chunkDelayMs: 0 }).generate({
      system: "",
      prompt: "A site about owls.",
      maxTokens: 100,
    });
    const parsed = parseOutput(result.text, { allowMappings: true, base: "/" });
    expect(parsed.html).toContain("A site about owls");
    expect(parsed.mappings.length).toBeGreaterThanOrEqual(4);
  });
});

describe("streaming", () => {
  test("streams the whole text in small chunks, pausing ~15 ms between them", async () => {
    const pauses: number[] = [];
    const deltas: string[] = [];
    const client = createOfflineClient({
      sleep: async (ms) => {
        pauses.push(ms);
      },
    });
    const result = await client.generate({ ...request("/", SEED), onText: (d) => deltas.push(d) });
    expect(deltas.join("")).toBe(result.text);
    expect(deltas.length).toBeGreaterThan(10);
    expect(Math.max(...deltas.map((d) => d.length))).toBeLessThanOrEqual(40);
    expect(pauses).toHaveLength(deltas.length - 1);
    // A couple of seconds at most, however long the page.
    expect(pauses.reduce((s, ms) => s + ms, 0)).toBeLessThanOrEqual(2000);
    expect(pauses.every((ms) => ms > 0 && ms <= 15)).toBe(true);
  });

  test("does not sleep at all with a zero delay", async () => {
    let slept = 0;
    const client = createOfflineClient({ chunkDelayMs: 0, sleep: async () => void slept++ });
    await client.generate(request("/", SEED));
    expect(slept).toBe(0);
  });

  test("stops when the signal aborts mid-stream", async () => {
    const controller = new AbortController();
    let chunks = 0;
    const client = createOfflineClient({ chunkDelayMs: 1, sleep: async () => {} });
    const run = client.generate({
      ...request("/", SEED),
      signal: controller.signal,
      onText: () => {
        if (++chunks === 3) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(chunks).toBe(3);
  });

  test("does not start when the signal is already aborted", async () => {
    let chunks = 0;
    const client = createOfflineClient({ chunkDelayMs: 0 });
    const run = client.generate({
      ...request("/", SEED),
      signal: AbortSignal.abort(),
      onText: () => void chunks++,
    });
    await expect(run).rejects.toThrow();
    expect(chunks).toBe(0);
  });
});
