// The app's logger: consola's core with our own reporters, because consola's default entry picks
// a fancy reporter even without a TTY, collapses repeated lines, and reads CONSOLA_LEVEL=debug
// as NaN (which lets everything through).

import { inspect } from "node:util";
import { type ConsolaReporter, createConsola, LogLevels, type LogObject } from "consola/core";
import { UsageError } from "../core/errors.ts";
import type { Logger, RequestLine } from "../core/types.ts";

export type LogFormat = "json" | "pretty" | "auto";

export interface LoggerOptions {
  /** A consola level name (info, debug, …) or number; default CONSOLA_LEVEL, then info. */
  level?: string;
  /** auto: JSON lines unless stdout is a terminal. */
  format?: LogFormat;
  env?: Record<string, string | undefined>;
  /** Where finished lines go; default stdout, stderr for warnings and errors. */
  write?: (line: string, isError: boolean) => void;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const env = opts.env ?? process.env;
  const format = opts.format ?? "auto";
  const json = format === "json" || (format === "auto" && !process.stdout.isTTY);
  const write = opts.write ?? writeStd;
  const color = !opts.write && !json && process.stdout.isTTY && !env.NO_COLOR;
  const reporter: ConsolaReporter = {
    log: (obj) => {
      const entry = toEntry(obj);
      const line = json ? jsonLine(entry) : prettyLine(entry, color);
      write(redact(line), obj.level <= LogLevels.warn);
    },
  };
  const consola = createConsola({
    level: parseLevel(opts.level, env.CONSOLA_LEVEL),
    throttle: 0,
    reporters: [reporter],
  });
  // consola spends microseconds per call (its log object, the date, merging the fields, our
  // generic entry and stringify): at tens of thousands of requests a second, a large part of
  // the whole request. The access line has fixed fields, so a JSON server builds it directly;
  // a terminal's pretty lines are rarely that busy and go the generic way.
  const request = json
    ? (line: RequestLine) => {
        if (consola.level >= LogLevels.info) write(requestJson(isoNow(), line), false);
      }
    : (line: RequestLine) => consola.info("request", line);
  return Object.assign(consola, { request });
}

/**
 * The access line exactly as the generic JSON path writes `info("request", line)`: the same
 * keys in the same order. Strings a client controls are redacted and go through
 * JSON.stringify; the rest are numbers and the server's own words. Redacting those few short
 * strings rather than the finished line spares searching (and flattening) the whole line.
 */
export function requestJson(time: string, l: RequestLine): string {
  const method = l.method === "GET" || l.method === "HEAD" ? `"${l.method}"` : str(l.method);
  return (
    `{"time":"${time}","level":"info","msg":"request","id":${str(l.id)},"method":${method},` +
    `"path":${str(l.path)},"status":${l.status},"ms":${l.ms},"outcome":"${l.outcome}"}`
  );
}

/**
 * A JSON string literal, redacted. Ids and paths are nearly always printable ASCII without a
 * quote or a backslash, which JSON writes as they are: checking that is cheaper than
 * JSON.stringify, and every request pays for two of these.
 */
export function str(s: string): string {
  return plainJson(s) ? `"${s}"` : JSON.stringify(redact(s));
}

/** Printable ASCII, no quote, no backslash, nothing shaped like a key: its own JSON text. */
function plainJson(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return s.length < 7 || !s.includes("sk-ant-");
}

// A date's ISO string costs more than the rest of the line: one per millisecond is enough.
let isoMs = 0;
let iso = "";
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    iso = new Date(ms).toISOString();
  }
  return iso;
}

export function parseLevel(explicit: string | undefined, fromEnv: string | undefined): number {
  const [value, where] =
    explicit !== undefined
      ? [explicit, `log level "${explicit}"`]
      : fromEnv
        ? [fromEnv, `CONSOLA_LEVEL="${fromEnv}" (environment)`]
        : ["info", ""];
  const word = value.trim().toLowerCase();
  if (/^-?\d+$/.test(word)) return Number(word);
  const level = (LogLevels as Record<string, number>)[word];
  if (level === undefined) {
    const names = Object.keys(LogLevels).join(", ");
    throw new UsageError(`${where} is not a log level (${names}, or a number)`);
  }
  return level;
}

const SECRET = /sk-ant-[A-Za-z0-9_-]+/g;
const SECRET_KEY = /^(api[-_]?key|x-api-key|authorization|password|secret|token)$/i;

/** Anything that looks like an Anthropic key, wherever it hides in a line. */
export function redact(line: string): string {
  return line.includes("sk-ant-") ? line.replace(SECRET, "sk-ant-[redacted]") : line;
}

interface Entry {
  time: Date;
  level: string;
  msg: string;
  fields: Record<string, unknown>;
  stack: string | undefined;
}

const CONSOLA_KEYS = new Set(["date", "args", "type", "level", "tag", "message", "additional"]);

function toEntry(obj: LogObject): Entry {
  const args: unknown[] = [...obj.args];
  const fields: Record<string, unknown> = {};
  // consola merges a lone `{ message, … }` argument into the log object: keep its extra keys.
  for (const [k, v] of Object.entries(obj)) if (!CONSOLA_KEYS.has(k)) fields[k] = v;
  if (obj.tag) fields.tag = obj.tag;
  if (isPlainObject(args.at(-1))) Object.assign(fields, args.pop());
  const error = args.find((a): a is Error => a instanceof Error);
  const msg = args.map((a) => (a instanceof Error ? a.message : text(a))).join(" ");
  return { time: obj.date, level: obj.type, msg, fields, stack: error?.stack };
}

function jsonLine(e: Entry): string {
  const out: Record<string, unknown> = { time: e.time.toISOString(), level: e.level, msg: e.msg };
  for (const [k, v] of Object.entries(e.fields)) out[k in out ? `_${k}` : k] = v;
  if (e.stack) out.stack = e.stack;
  try {
    return JSON.stringify(out, replacer);
  } catch {
    // Circular fields: still one line, still parseable.
    return JSON.stringify({ time: out.time, level: e.level, msg: e.msg, fields: text(e.fields) });
  }
}

const LEVEL_COLORS: Record<string, number> = { error: 31, fatal: 31, warn: 33, debug: 90 };

function prettyLine(e: Entry, color: boolean): string {
  const time = e.time.toTimeString().slice(0, 8);
  const label = e.level.toUpperCase().padEnd(5);
  const code = LEVEL_COLORS[e.level] ?? 36;
  const head = color ? `\x1b[90m${time}\x1b[0m \x1b[${code}m${label}\x1b[0m` : `${time} ${label}`;
  const pairs = Object.entries(e.fields).map(([k, v]) => `${k}=${pretty(k, v)}`);
  const line = [head, e.msg, ...pairs].filter(Boolean).join(" ");
  // A stack reads better as lines on a terminal; JSON keeps it in one field instead.
  return e.stack ? `${line}\n${e.stack.split("\n").slice(1).join("\n")}` : line;
}

function pretty(key: string, value: unknown): string {
  const v = replacer(key, value);
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return text(v);
}

function replacer(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && value != null) return "[redacted]";
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code ? { code } : {}) };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY, depth: 4, colors: false });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// A busy server logs a line per request: one write per line would be a syscall per request.
// Lines are batched until the event loop turns (or 64 KiB), warnings and errors go at once
// (after what was batched before them), and whatever is left goes out when the process exits.
let pending = "";
let scheduled = false;

function flush(): void {
  scheduled = false;
  if (pending === "") return;
  const out = pending;
  pending = "";
  process.stdout.write(out);
}

process.on("exit", flush);

function writeStd(line: string, isError: boolean): void {
  if (isError) {
    flush();
    process.stderr.write(`${line}\n`);
    return;
  }
  pending += `${line}\n`;
  if (pending.length > 65_536) flush();
  else if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
