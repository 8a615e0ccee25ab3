// Imports in src/ run one way only: `bun scripts/check-imports.ts [srcDir]` fails (exit 1) on an
// import circle between files, or on an import from a lower layer to a higher one, and prints
// each offending edge. Run by `bun run lint`, hence by .ci/run.
//
// Every file belongs to the layer of the longest prefix below that matches its path. A file may
// import its own layer, and any layer of a strictly lower rank; two layers of the same rank are
// independent of each other (neither imports the other). Type-only imports count too: a type
// that must come from above is a sign that it belongs below.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Lowest first. The entry (src/cli.ts) only wires, so it is on top. */
export const LAYERS: readonly (readonly [prefix: string, rank: number])[] = [
  ["core/", 0],
  ["ops/", 1],
  ["encoding/", 1],
  ["store/", 2],
  ["contract/", 3],
  ["llm/", 4],
  ["config/", 5],
  ["generate/", 5],
  ["http/views/", 6],
  ["http/respond/", 7],
  ["http/page-cache/", 7],
  ["http/guards/", 8],
  ["http/routes/", 9],
  ["app/", 10],
  ["export/", 10],
  ["cli/", 11],
  ["cli.ts", 12],
];

export interface Edge {
  from: string;
  to: string;
}

export function layerOf(file: string): readonly [string, number] | null {
  let best: readonly [string, number] | null = null;
  for (const layer of LAYERS) {
    if (file.startsWith(layer[0]) && (!best || layer[0].length > best[0].length)) best = layer;
  }
  return best;
}

// Static imports and re-exports (`from "…"`), side-effect imports and dynamic `import("…")`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)"/g;

/** Every relative import between files of `srcDir`, as paths relative to it. */
export function importEdges(srcDir: string): Edge[] {
  const root = resolve(srcDir);
  const edges: Edge[] = [];
  for (const file of tsFiles(root)) {
    const text = readFileSync(join(root, file), "utf8");
    for (const m of text.matchAll(SPECIFIER)) {
      const target = relative(root, resolve(root, dirname(file), m[1] as string));
      if (!target.startsWith("..") && target.endsWith(".ts"))
        edges.push({ from: file, to: target });
    }
  }
  return edges;
}

function tsFiles(root: string, dir = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir)).sort()) {
    const path = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, path)).isDirectory()) out.push(...tsFiles(root, path));
    else if (name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** What is wrong with the graph, one line per problem; empty when imports run one way. */
export function problems(edges: Edge[]): string[] {
  const out: string[] = [];
  const files = new Set(edges.flatMap((e) => [e.from, e.to]));
  for (const f of files) {
    if (!layerOf(f)) out.push(`${f}: in no layer (add its folder to LAYERS in this script)`);
  }
  for (const e of edges) {
    const from = layerOf(e.from);
    const to = layerOf(e.to);
    if (!from || !to || from[0] === to[0] || from[1] > to[1]) continue;
    const how = from[1] === to[1] ? "a layer beside it" : "a higher layer";
    out.push(`${e.from} -> ${e.to}: imports ${how} (${from[0]} ${from[1]} -> ${to[0]} ${to[1]})`);
  }
  for (const cycle of cycles(edges))
    out.push(`import circle: ${[...cycle, cycle[0]].join(" -> ")}`);
  return out;
}

/** The circles of the file graph: one per strongly connected component of two or more files
 * (or a file importing itself), shown as one path around it. */
export function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || next.get(v)?.includes(v)) out.push(pathAround(component, next));
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

/** A path from the component's first file back to itself, staying inside the component. */
function pathAround(component: string[], next: Map<string, string[]>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0] as string;
  const from = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of next.get(v) ?? []) {
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(from.get(path[0] as string) as string);
        return path;
      }
      if (inside.has(w) && !from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

if (import.meta.main) {
  const srcDir = process.argv[2] ?? join(import.meta.dir, "..", "src");
  const found = problems(importEdges(srcDir));
  for (const line of found) console.error(`check-imports: ${line}`);
  if (found.length > 0) process.exit(1);
  console.log(`check-imports: ${importEdges(srcDir).length} imports in ${srcDir} run one way`);
}
