// Site memory end to end, through the real SDK and the fake upstream: the bible is written with
// the homepage and sent (cached) with every later call, pages are assembled into one shell,
// context (existing pages, passages, canon) reaches the prompt, a whole document is accepted.

import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { extractShell } from "../../src/contract/shell.ts";
import { htmlDoc } from "../fixtures/fake-anthropic.ts";
import { BIBLE, contentAnswer, FOOTER, memoryHandler } from "../fixtures/memory-site.ts";
import { type Site, startSite, userPromptOf } from "../fixtures/site.ts";

let site: Site | undefined;
afterEach(async () => {
  await site?.close();
  site = undefined;
});

function open(handler = memoryHandler()) {
  site = startSite({ handler, memory: true, seed: "An illustrated atlas of Mars" });
  return site;
}

const systemOf = (s: Site, i: number) =>
  s.fake.requests[i]?.body.system as { text: string; cache_control?: unknown }[];

describe("the bible", () => {
  test("is written with the homepage (no extra call) and sent, cached, with every later call", async () => {
    const s = open();
    expect((await s.get("/")).status).toBe(200);
    expect(s.fake.calls).toBe(1);
    expect(s.store.memory.bible()?.text).toBe(BIBLE);
    // The homepage's own request: the fixed prompt alone, cached, and a request for the bible.
    expect(systemOf(s, 0)).toHaveLength(1);
    expect(userPromptOf(s.fake.requests[0]?.body as never)).toContain("---BIBLE---");
    expect((await s.get("/geology.html")).status).toBe(200);
    expect((await s.get("/volcanoes.html")).status).toBe(200);
    for (const i of [1, 2]) {
      const [fixed, bible] = systemOf(s, i);
      expect(fixed?.cache_control).toBeUndefined();
      expect(bible?.text).toContain(BIBLE);
      expect(bible?.cache_control).toEqual({ type: "ephemeral" });
      expect(userPromptOf(s.fake.requests[i]?.body as never)).not.toContain("---BIBLE---");
    }
    // The cached prefix is the same bytes for every page.
    expect(JSON.stringify(systemOf(s, 1))).toBe(JSON.stringify(systemOf(s, 2)));
    // Its canon lines are the site's first canon entries.
    expect(s.store.memory.canonAbout(["olympus"], 5)).toEqual([
      { subject: "Olympus Mons", fact: "21.9 km above the datum, 600 km across" },
    ]);
  });
});

describe("the shell", () => {
  test("nav and footer are byte-identical on every page; later pages are asked for content only", async () => {
    const s = open();
    await s.get("/");
    await s.get("/geology.html");
    await s.get("/volcanoes.html");
    const shells = ["/", "/geology.html", "/volcanoes.html"].map((k) =>
      extractShell(s.store.getPage(k)?.html ?? ""),
    );
    for (const sh of shells.slice(1)) {
      expect(sh?.header).toBe(shells[0]?.header as string);
      expect(sh?.footer).toBe(FOOTER);
      expect(sh?.head).toBe(shells[0]?.head as string);
    }
    // The homepage marks itself current; the shell does not.
    expect(shells[0]?.header).not.toContain("aria-current");
    const page = s.store.getPage("/volcanoes.html")?.html ?? "";
    expect(page).toContain("<title>/volcanoes.html — The Red Atlas</title>");
    expect(page).toContain("<h1>/volcanoes.html</h1>");
    expect(page.indexOf("<h1>/volcanoes.html</h1>")).toBeGreaterThan(page.indexOf("</header>"));
    expect(page.trimEnd().endsWith("</html>")).toBe(true);
    const prompt = userPromptOf(s.fake.requests[1]?.body as never);
    expect(prompt).toContain("Layout: content");
    expect(prompt).toContain("Link title: Geology");
  });

  test("the live response carries head, title and header before the content, then the footer", async () => {
    const s = open();
    await s.get("/");
    const live = await s.get("/volcanoes.html");
    expect(live.res.headers.get("x-rabbithole")).toBe("live");
    const b = live.body;
    // The title comes from the link's words on the homepage.
    expect(b).toContain("<title>the great volcanoes of Tharsis</title>");
    expect(b.indexOf("</header>")).toBeLessThan(b.indexOf("<main>"));
    expect(b.indexOf("</main>")).toBeLessThan(b.indexOf(FOOTER));
    expect(b).not.toContain("---MAPPINGS---");
    expect(b).not.toContain('/volcanoes/deeper.html",');
    expect(b.trimEnd().endsWith("</html>")).toBe(true);
  });

  test("a whole-document answer is accepted: its main content is placed in the shell", async () => {
    const doc = htmlDoc(
      "A stray document",
      "<header>Another header</header><main><h1>Stray</h1><p>Kept.</p></main><footer>Another footer</footer>",
    );
    const s = open(
      memoryHandler((key) =>
        key === "/geology.html" ? `Sure! Here it is:\n${doc}\n---MAPPINGS---\n[]` : undefined,
      ),
    );
    await s.get("/");
    const live = await s.get("/geology.html");
    expect(live.status).toBe(200);
    const stored = s.store.getPage("/geology.html")?.html ?? "";
    for (const html of [stored, live.body]) {
      expect(html).toContain("<h1>Stray</h1><p>Kept.</p>");
      expect(html).toContain(FOOTER);
      expect(html).not.toContain("Another header");
      expect(html).not.toContain("Another footer");
      expect(html).not.toContain("Sure!");
    }
    expect(stored).toContain("<title>A stray document</title>");
  });

  test("content cut short is not cached, and the live page ends with the failure notice", async () => {
    const s = open(
      memoryHandler((key) =>
        key === "/geology.html"
          ? {
              text: "<title>G</title>\n<main><h1>Geology</h1><p>Half a sent",
              stopReason: "end_turn",
            }
          : undefined,
      ),
    );
    await s.get("/");
    const live = await s.get("/geology.html");
    expect(live.body).toContain("</header>");
    expect(live.body).toContain("This page could not be finished");
    expect(s.store.hasPage("/geology.html")).toBe(false);
  });
});

describe("context", () => {
  test("existing pages, passages and canon reach the prompt; the first fact of a subject stands", async () => {
    const s = open(
      memoryHandler((key) =>
        key === "/geology.html"
          ? contentAnswer(
              key,
              "Olympus Mons, tallest of the Tharsis volcanoes, has a caldera 80 km wide.",
              [],
              [
                "Olympus Mons: 30 km high",
                "Caldera of Olympus Mons: 80 km wide, the widest of any Tharsis volcano",
              ],
            )
          : undefined,
      ),
    );
    await s.get("/");
    await s.get("/geology.html");
    await s.get("/volcanoes.html");
    const prompt = userPromptOf(s.fake.requests[2]?.body as never);
    expect(prompt).toContain("<context>");
    expect(prompt).toContain("The page that links here:\n/ — The Red Atlas");
    expect(prompt).toContain(
      'What it says about this link: "Start with the geology, or the great volcanoes of Tharsis."',
    );
    expect(prompt).toMatch(/- \/geology\.html — \/geology\.html — The Red Atlas/);
    expect(prompt).toMatch(/\[\/geology\.html\] .*caldera 80 km wide/);
    expect(prompt).toContain(
      "- Caldera of Olympus Mons: 80 km wide, the widest of any Tharsis volcano",
    );
    // The bible's fact about Olympus Mons came first: the later "30 km" never replaced it.
    expect(prompt).not.toContain("Olympus Mons: 30 km high");
    expect(s.store.memory.canonAbout(["olympus"], 5)).toContainEqual({
      subject: "Olympus Mons",
      fact: "21.9 km above the datum, 600 km across",
    });
  });
});

describe("an older site", () => {
  test("its homepage gives the shell, and the next page's answer brings the bible (no extra call)", async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), "rabbithole-memory-")), "old.db");
    const old = startSite({ handler: memoryHandler(), memory: false, dbPath });
    await old.get("/");
    expect(old.store.memory.bible()).toBeNull();
    await old.close();
    const withBible = (key: string, prompt: string) =>
      key === "/geology.html" && prompt.includes("no bible yet")
        ? `${contentAnswer(key, "Rocks.")}\n---BIBLE---\n${BIBLE}`
        : undefined;
    const s = startSite({ handler: memoryHandler(withBible), memory: true, dbPath });
    site = s;
    expect((await s.get("/geology.html")).status).toBe(200);
    expect(s.fake.calls).toBe(1);
    const prompt = userPromptOf(s.fake.requests[0]?.body as never);
    expect(prompt).toContain("Layout: content");
    expect(prompt).toContain("The homepage (/): The Red Atlas");
    expect(prompt).toContain(
      "Its navigation: The Red Atlas /; Home /; Geology /geology.html; Missions /missions.html",
    );
    expect(s.store.memory.bible()?.text).toBe(BIBLE);
    expect(s.store.memory.bible()?.source).toBe("/geology.html");
    expect(extractShell(s.store.getPage("/geology.html")?.html ?? "")?.footer).toBe(FOOTER);
    // The next page gets the bible as its cached system block, and is not asked for one.
    await s.get("/volcanoes.html");
    expect(systemOf(s, 1)[1]?.text).toContain(BIBLE);
    rmSync(dirname(dbPath), { recursive: true, force: true });
  });
});
