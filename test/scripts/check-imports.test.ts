// The import-direction check: it passes on src/ as it is, and fails, naming the edge, on a
// circle and on an import that runs upward or sideways.

import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { importEdges, problems } from "../../scripts/check-imports.ts";

const SCRIPT = join(import.meta.dir, "../../scripts/check-imports.ts");

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A src tree of the given files, each importing the ones listed. */
function tree(files: Record<string, string[]>): string {
  dir = mkdtempSync(join(tmpdir(), "rh-imports-"));
  for (const [file, imports] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    const lines = imports.map((to) => {
      const rel = relativeTo(file, to);
      return `import { x } from "${rel}";`;
    });
    writeFileSync(join(dir, file), `${lines.join("\n")}\nexport const x = 1;\n`);
  }
  return dir;
}

function relativeTo(from: string, to: string): string {
  const up = from.split("/").length - 1;
  return `${up === 0 ? "./" : "../".repeat(up)}${to}`;
}

async function run(srcDir: string) {
  const proc = Bun.spawn([process.execPath, SCRIPT, srcDir], { stdout: "pipe", stderr: "pipe" });
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  return { code, stderr };
}

describe("check-imports", () => {
  test("src/ as it is: imports run one way", async () => {
    const { code, stderr } = await run(join(import.meta.dir, "../../src"));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  test("an import from a lower layer to a higher one fails, naming the edge", async () => {
    const src = tree({ "core/keys.ts": ["http/routes/page.ts"], "http/routes/page.ts": [] });
    const { code, stderr } = await run(src);
    expect(code).toBe(1);
    expect(stderr).toContain("core/keys.ts -> http/routes/page.ts: imports a higher layer");
  });

  test("layers of the same rank stay apart", () => {
    const src = tree({ "ops/log.ts": ["encoding/dcz.ts"], "encoding/dcz.ts": [] });
    expect(problems(importEdges(src))).toEqual([
      "ops/log.ts -> encoding/dcz.ts: imports a layer beside it (ops/ 1 -> encoding/ 1)",
    ]);
  });

  test("a circle inside one layer fails, shown as a path around it", async () => {
    const src = tree({
      "http/guards/bots.ts": ["http/guards/robots.ts"],
      "http/guards/robots.ts": ["http/guards/policy.ts"],
      "http/guards/policy.ts": ["http/guards/bots.ts"],
    });
    const { code, stderr } = await run(src);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "import circle: http/guards/bots.ts -> http/guards/robots.ts -> http/guards/policy.ts -> " +
        "http/guards/bots.ts",
    );
  });

  test("a file outside every layer is named", () => {
    const src = tree({ "misc/thing.ts": ["core/keys.ts"], "core/keys.ts": [] });
    expect(problems(importEdges(src))).toEqual([
      "misc/thing.ts: in no layer (add its folder to LAYERS in this script)",
    ]);
  });

  test("downward imports, type-only and dynamic ones included, pass", () => {
    const src = tree({
      "app/build.ts": ["http/routes/page.ts"],
      "http/routes/page.ts": [],
      "core/keys.ts": [],
    });
    writeFileSync(
      join(src, "cli.ts"),
      'import type { x } from "./app/build.ts";\nawait import("./core/keys.ts");\n',
    );
    expect(importEdges(src).map((e) => `${e.from} ${e.to}`)).toContain("cli.ts core/keys.ts");
    expect(problems(importEdges(src))).toEqual([]);
  });
});
