// The parsers of option values: each turns a raw value (a flag or an environment variable, see
// values.ts) into a typed one, or fails with one UsageError naming the value and its source.

import { UsageError } from "../core/errors.ts";
import { pageNeeds } from "../llm/context.ts";
import { EFFORTS, type Effort } from "../llm/models.ts";
import { DEFAULT_MODEL } from "../llm/prices.ts";
import { type LogFormat, parseLevel } from "../ops/log.ts";
import { type BotPolicy, parseBotPolicy } from "./bot-policy.ts";
import { amountOf, intOf, quote, type Raw, readBoundedFile } from "./values.ts";

/**
 * A file path from a plain path, `sqlite:///abs/path`, `sqlite://rel/path`, `sqlite:path` or
 * one of the `:memory:` spellings. Query strings (sqlx's `?mode=rwc`) are ignored.
 */
export function resolveDbPath(value: string): string {
  return dbPathOf({ value, where: `database ${quote(value)}` });
}

export function dbPathOf(raw: Raw): string {
  const { value, where } = raw;
  if (value === "") throw new UsageError(`${where} is empty`);
  const url = /^sqlite:(.*)$/is.exec(value);
  if (!url) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      throw new UsageError(
        `${where} is not SQLite: use a file path, sqlite:///abs/path, sqlite://rel/path ` +
          "or :memory:",
      );
    }
    return value;
  }
  let rest = (url[1] ?? "").replace(/[?#].*$/s, "");
  if (rest.startsWith("//")) rest = rest.slice(2);
  try {
    rest = decodeURIComponent(rest);
  } catch {
    throw new UsageError(`${where} has a broken %-escape`);
  }
  if (rest === "") throw new UsageError(`${where} names no file`);
  return rest;
}

/** Beyond this a "seed" is a wrong file (a log, a database), not a prompt for one page. */
export const MAX_SEED_BYTES = 256 * 1024;

// Trimmed, so that a trailing newline in a file does not count as a changed seed. Checked
// here because a bad seed is sent, and paid for, with every attempt at the homepage.
export function seedOf(raw: Raw, text = raw.value): string {
  const seed = text.replace(/^\uFEFF/, "").trim();
  if (seed === "") throw new UsageError(`${raw.where} is empty`);
  if (seed.includes("\0") || seed.includes("\uFFFD")) {
    throw new UsageError(`${raw.where} is not UTF-8 text (binary bytes in it)`);
  }
  const bytes = Buffer.byteLength(seed);
  if (bytes > MAX_SEED_BYTES) {
    throw new UsageError(
      `${raw.where} is ${Math.ceil(bytes / 1024)} KiB: a seed is the prompt of one page, ` +
        `at most ${MAX_SEED_BYTES / 1024} KiB`,
    );
  }
  return seed;
}

/** A 404 page is sent on every unknown URL: a page, not a site. */
export const MAX_NOT_FOUND_BYTES = 256 * 1024;

export function readText(raw: Raw, maxBytes: number, what: string): string {
  const text = readBoundedFile(raw, maxBytes, what);
  if (text.trim() === "") throw new UsageError(`${raw.where} is an empty file`);
  return text;
}

export function onOff(raw: Raw): boolean {
  const v = raw.value.trim().toLowerCase();
  if (v === "on" || v === "off") return v === "on";
  throw new UsageError(`${raw.where} is not on or off`);
}

export function hostOf(raw: Raw): string {
  // Bun.serve wants an IPv6 address without the brackets a URL would put around it.
  const host = raw.value.replace(/^\[(.*)\]$/, "$1");
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) {
    throw new UsageError(`${raw.where} is not a host name or IP address`);
  }
  return host;
}

export function modelOf(raw: Raw): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/.test(raw.value)) {
    throw new UsageError(`${raw.where} is not a model id (like ${DEFAULT_MODEL})`);
  }
  return raw.value;
}

/** One of `choices`, in any case and spacing; else an error naming them. */
function choiceOf<T extends string>(raw: Raw, choices: readonly T[], what: string, or: string): T {
  const choice = choices.find((c) => c === raw.value.trim().toLowerCase());
  if (!choice) throw new UsageError(`${raw.where} is not ${what}: use ${choices.join(or)}`);
  return choice;
}

export function effortOf(raw: Raw): Effort {
  return choiceOf(raw, EFFORTS, "an effort", ", ");
}

export const PROVIDERS = ["anthropic", "openai"] as const;
export type Provider = (typeof PROVIDERS)[number];

export function providerOf(raw: Raw): Provider {
  return choiceOf(raw, PROVIDERS, "a provider", " or ");
}

export function contextTokensOf(raw: Raw): number {
  const bound = intOf(raw, 1, 10_000_000, "a number of tokens (like 8192)");
  const needs = pageNeeds();
  if (bound < needs) {
    throw new UsageError(
      `${raw.where} is below what one page needs: ~${needs} tokens (the system prompt, a ` +
        "page's brief and room to write it); give at least that, and as much to the model server",
    );
  }
  return bound;
}

/**
 * Self-contained pages need nothing from the network: inline styles and scripts, data: images.
 * `--csp strict` gives them this; any other value is sent as it is.
 */
export const STRICT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " +
  "img-src data:; font-src data:; media-src data:; form-action 'self'; base-uri 'none'";

// Checked here, not only when the logger is made, so the message says whether the flag or the
// environment holds the bad value.
export function levelOf(raw: Raw): string {
  try {
    parseLevel(raw.value, undefined);
  } catch {
    throw new UsageError(`${raw.where} is not a log level (error, warn, info, debug or silent)`);
  }
  return raw.value;
}

export function formatOf(raw: Raw): LogFormat {
  const v = raw.value.trim().toLowerCase();
  if (v === "json" || v === "pretty" || v === "auto") return v;
  throw new UsageError(`${raw.where} is not a log format (json, pretty or auto)`);
}

export function policyOf(raw: Raw): BotPolicy {
  try {
    return parseBotPolicy(raw.value.trim().toLowerCase());
  } catch (err) {
    throw new UsageError(`${raw.where}: ${(err as Error).message}`);
  }
}

/** Per minute; decimals allowed (0.5 = one every two minutes); 0 turns the limit off. */
export function rateOf(raw: Raw): number {
  return amountOf(raw, "a rate of new pages per minute (like 6 or 0.5; 0 = no limit)");
}

export function cspOf(raw: Raw): string {
  const v = raw.value.trim();
  if (v.toLowerCase() === "strict") return STRICT_CSP;
  // A header value is visible ASCII (a CSP has no use for more): a line break or a character
  // past Latin-1 started the server, then made every page answer 500 (issue 12).
  const bad = /[^\x20-\x7E\t]/.exec(v);
  if (v === "" || bad) {
    const what = bad
      ? `: ${JSON.stringify(bad[0])} at position ${bad.index + 1} cannot be sent in a header`
      : "";
    throw new UsageError(`${raw.where} is not a CSP header value${what}`);
  }
  return v;
}

/** RFC 9309: crawlers read at least 500 KiB of robots.txt; more would be cut by them anyway. */
const MAX_ROBOTS_BYTES = 500 * 1024;

export function readRobots(raw: Raw): string {
  return readBoundedFile(raw, MAX_ROBOTS_BYTES, "a robots.txt");
}

export function adminTokenOf(raw: Raw | undefined): string | null {
  if (!raw) return null;
  // Guessable tokens would make the admin view (purge, regenerate: money) anyone's.
  if (raw.value.length < 16) {
    throw new UsageError("RABBITHOLE_ADMIN_TOKEN is too short: use at least 16 random characters");
  }
  return raw.value;
}
