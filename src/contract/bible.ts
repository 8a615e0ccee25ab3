// The site bible: what every page of a hole must agree with, written by the model with the
// homepage (or by the operator: `rabbithole bible --set FILE`). Plain labelled lines, so that a
// person can read and edit it and a model can write it without escaping anything:
//
//   Name: The Red Atlas
//   Palette: ink #221a17, rust #b5452b, sand #f4e9dc
//   Navigation: Home /; Geology /geology/index.html; Missions /missions/index.html
//   Canon:
//   - Olympus Mons: 21.9 km above the datum, 600 km across

import type { CanonEntry } from "../store/memory.ts";

export const BIBLE_FIELDS = [
  "Name",
  "Purpose",
  "Audience",
  "Tone",
  "Palette",
  "Type",
  "Navigation",
  "Components",
  "Canon",
] as const;

/** Longer than this is not a bible but a wrong file (it is sent with every page). */
export const MAX_BIBLE_BYTES = 32 * 1024;

const FIELD = new RegExp(`^(${BIBLE_FIELDS.join("|")})\\s*:\\s*(.*)$`, "i");
const CANON_LINE = /^\s*[-*•]\s*([^:\n]{1,80}?)\s*:\s*(\S.{0,400})$/;
const HEX = /#[0-9a-z]+/gi;

/** The labelled fields of a bible (lines under a label continue it), keyed by label. */
export function bibleFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = FIELD.exec(line.trim());
    if (m) {
      const label = BIBLE_FIELDS.find((f) => f.toLowerCase() === (m[1] as string).toLowerCase());
      current = label ?? null;
      if (current) fields.set(current, (m[2] ?? "").trim());
    } else if (current && line.trim() !== "") {
      fields.set(current, `${fields.get(current) ?? ""}\n${line.trim()}`.trim());
    }
  }
  return fields;
}

/** The canon entries of a bible, or of an answer's canon block: `- Subject: fact` lines. */
export function canonLines(text: string): CanonEntry[] {
  const out: CanonEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = CANON_LINE.exec(line);
    if (m) out.push({ subject: (m[1] as string).trim(), fact: (m[2] as string).trim() });
  }
  return out;
}

/** The canon of a bible: the lines under its Canon label. */
export function bibleCanon(text: string): CanonEntry[] {
  const canon = bibleFields(text).get("Canon");
  return canon ? canonLines(canon) : [];
}

/** Navigation entries, `Label /path` separated by `;`, `|` or lines. */
export function navigationOf(text: string): { label: string; path: string }[] {
  const nav = bibleFields(text).get("Navigation") ?? "";
  return nav
    .split(/[;|\n]/)
    .map((e) => e.replace(/^\s*[-*•]\s*/, "").trim())
    .filter(Boolean)
    .map((e) => {
      const m = /^(.*?)\s*\(?(\S+?)\)?$/.exec(e);
      return { label: (m?.[1] ?? "").replace(/[:—–-]\s*$/, "").trim(), path: m?.[2] ?? "" };
    });
}

/**
 * Why `text` cannot be the bible, naming the bad value, or null when it can. The model's
 * bible is stored as written (a missing label only makes it less useful); an operator's is
 * held to this, since a typo there would shape every page written afterwards.
 */
export function bibleProblem(text: string): string | null {
  if (text.trim() === "") return "is empty";
  if (text.includes("\0") || text.includes("\uFFFD"))
    return "is not UTF-8 text (binary bytes in it)";
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BIBLE_BYTES) {
    return `is ${Math.ceil(bytes / 1024)} KiB: a bible is sent with every page, at most ${MAX_BIBLE_BYTES / 1024} KiB`;
  }
  const fields = bibleFields(text);
  for (const label of ["Name", "Navigation"]) {
    if (!fields.get(label)) return `has no "${label}:" line (${BIBLE_FIELDS.join(", ")} are read)`;
  }
  for (const hex of (fields.get("Palette") ?? "").match(HEX) ?? []) {
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(hex)) {
      return `Palette value "${hex}" is not a hex colour (#rgb or #rrggbb)`;
    }
  }
  for (const { label, path } of navigationOf(text)) {
    if (!path.startsWith("/") || path.startsWith("//") || /\s/.test(path)) {
      return `Navigation entry "${label} ${path}" needs a site-relative path, like "Geology /geology/"`;
    }
  }
  return null;
}
