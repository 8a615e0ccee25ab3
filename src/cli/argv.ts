// Strict checking of a command's argv before citty parses it. citty accepts any flag silently,
// so a typo like --prot 80 would start a server on the default port; here it is a usage error
// that names the flag. The rules mirror citty's parser so both agree on what a token means.

import type { ArgsDef } from "citty";
import { UsageError } from "../core/errors.ts";

/** Throws a UsageError for unknown options, missing values and unexpected arguments. */
export function checkArgv(argv: string[], def: ArgsDef, command: string): void {
  const takesPositionals = Object.values(def).some((d) => d.type === "positional");
  const seeHelp = `see ${command} --help`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      const next = argv[i + 1];
      if (!takesPositionals && next !== undefined) throw unexpected(next, seeHelp);
      return;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (!takesPositionals) throw unexpected(arg, seeHelp);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const name = flag.startsWith("--") ? flag.slice(2) : "";
    const spec = def[name];
    if (spec?.type === "string" || spec?.type === "enum") {
      if (eq !== -1) continue;
      const next = argv[i + 1];
      // `--seed --offline` is a forgotten value far more often than a seed called "--offline".
      if (next === undefined || isOption(next, def)) {
        throw new UsageError(`${flag} needs a value; ${seeHelp}`);
      }
      i++;
      continue;
    }
    if (spec?.type === "boolean" || def[name.replace(/^no-/, "")]?.type === "boolean") {
      if (eq !== -1) throw new UsageError(`${flag} takes no value (write ${flag} alone)`);
      continue;
    }
    const guess = suggest(name || flag.replace(/^-+/, ""), optionNames(def));
    const hint = guess ? ` (did you mean --${guess}?)` : "";
    throw new UsageError(`unknown option ${JSON.stringify(flag)}${hint}; ${seeHelp}`);
  }
}

function unexpected(arg: string, seeHelp: string): UsageError {
  return new UsageError(`unexpected argument ${JSON.stringify(arg)}; ${seeHelp}`);
}

function isOption(token: string, def: ArgsDef): boolean {
  if (!token.startsWith("--")) return false;
  const name = token.slice(2).split("=")[0] ?? "";
  return name === "help" || name === "version" || name in def;
}

function optionNames(def: ArgsDef): string[] {
  return Object.entries(def)
    .filter(([, d]) => d.type !== "positional")
    .map(([name]) => name);
}

/** The option the user most likely meant: same words in another case, or a small typo. */
export function suggest(name: string, names: string[]): string | undefined {
  const kebab = name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase();
  const exact = names.find((n) => n === kebab || `no-${n}` === kebab);
  if (exact) return kebab;
  let best: string | undefined;
  let bestDistance = 3;
  for (const n of names) {
    const d = distance(kebab, n);
    if (d < bestDistance) [best, bestDistance] = [n, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost);
    }
    row = next;
  }
  return row[b.length] ?? 0;
}
