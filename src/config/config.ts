// Resolves flags, environment and defaults into one validated, typed Config (flag > env > default).
// Every failure is one UsageError line that names the value and where it came from, so an
// operator can fix a deployment from a single log line.

import { UsageError } from "../core/errors.ts";
import { EFFORTS, type Effort, traitsOf } from "../llm/models.ts";
import { DEFAULT_MODEL } from "../llm/prices.ts";
import { type OpsConfig, resolveOpsConfig } from "./ops.ts";
import {
  amountOf,
  type Env,
  type Flags,
  flagBool,
  fromEnv,
  fromFlag,
  intOf,
  pick,
  quote,
  type Raw,
  readBoundedFile,
  resolveBool,
} from "./values.ts";

export interface Config {
  /** The homepage prompt from --seed / --seed-file / env; null when none was given. */
  seed: string | null;
  port: number;
  host: string;
  /** A filesystem path or ":memory:" (DATABASE_URL forms already resolved). */
  dbPath: string;
  model: string;
  /** --effort: adaptive thinking at this effort; null = the least thinking the model allows. */
  effort: Effort | null;
  maxTokens: number;
  depthLimit: number;
  /** Hard cap on total spend in USD; null = no cap. */
  maxCostUsd: number | null;
  webTools: boolean;
  /** Contents of the --four-oh-four file, read at start-up; null = built-in page. */
  notFoundHtml: string | null;
  loadingPage: boolean;
  offline: boolean;
  apiKey: string | null;
  baseURL: string | null;
  /** On SIGINT/SIGTERM, how long generations under way may take to finish. */
  gracePeriodSec: number;
  /** Longest silence inside an upstream stream before the attempt counts as failed. */
  stallTimeoutSec: number;
  /** USD per million input and output tokens, for a model the price table does not know. */
  prices: { input: number; output: number } | null;
  /** Logs, metrics, bots, limits, CSP, admin. */
  ops: OpsConfig;
}

export type { Env, Flags } from "./values.ts";

export function resolveServeConfig(flags: Flags, env: Env): Config {
  const opt = <T>(flag: string, envName: string, parse: (raw: Raw) => T, fallback: T): T => {
    const raw = pick(flags, env, flag, envName);
    return raw ? parse(raw) : fallback;
  };
  const offline = flagBool(flags, "offline") ?? false;
  const notFound = fromFlag(flags, "four-oh-four");
  const config: Config = {
    seed: resolveSeed(flags, env),
    // 0 asks the system for a free port; the log line says which one it got.
    port: opt("port", "PORT", (r) => intOf(r, 0, 65535, "a port (0-65535)"), 8080),
    host: opt("host", "HOST", hostOf, "0.0.0.0"),
    dbPath: resolveDbConfig(flags, env).dbPath,
    model: opt("model", "RABBITHOLE_MODEL", modelOf, DEFAULT_MODEL),
    effort: opt("effort", "RABBITHOLE_EFFORT", effortOf, null),
    // Fewer than 256 tokens cannot hold a page, it only multiplies continuation rounds; no
    // current model writes more than 128k in one call.
    maxTokens: opt("max-tokens", "RABBITHOLE_MAX_TOKENS", (r) => intOf(r, 256, 128_000), 8192),
    depthLimit: opt("depth-limit", "RABBITHOLE_DEPTH_LIMIT", (r) => intOf(r, 1, 1000), 5),
    maxCostUsd: resolveMaxCost(flags, env),
    webTools: resolveBool(flags, env, "web-tools", "RABBITHOLE_WEB_TOOLS") ?? true,
    notFoundHtml: notFound ? readText(notFound, MAX_NOT_FOUND_BYTES, "a 404 page") : null,
    loadingPage: resolveBool(flags, env, "loading-page", "RABBITHOLE_LOADING_PAGE") ?? false,
    offline,
    apiKey: fromEnv(env, "ANTHROPIC_API_KEY")?.value.trim() || null,
    baseURL: baseUrlOf(fromEnv(env, "ANTHROPIC_BASE_URL")),
    // Fly's kill_timeout (fly.toml) must stay above this, or the machine is killed mid-drain.
    gracePeriodSec: opt("grace-period", "RABBITHOLE_GRACE_PERIOD", (r) => intOf(r, 0, 3600), 25),
    stallTimeoutSec: opt(
      "stall-timeout",
      "RABBITHOLE_STALL_TIMEOUT",
      (r) => intOf(r, 5, 3600),
      120,
    ),
    prices: resolvePrices(flags, env),
    ops: resolveOpsConfig(flags, env),
  };
  checkEffort(config, pick(flags, env, "effort", "RABBITHOLE_EFFORT"));
  const metricsPort = config.ops.metricsPort;
  if (metricsPort !== null && metricsPort === config.port) {
    // Bun would bind both (SO_REUSEPORT) and the metrics server would answer the site's visitors.
    throw new UsageError(
      `--metrics-port ${metricsPort} is the site's port too (--port/PORT): give the metrics a ` +
        `port of their own, like ${metricsPort === 65535 ? metricsPort - 1 : metricsPort + 1}`,
    );
  }
  if (!offline && config.apiKey === null) {
    throw new UsageError(
      "no Anthropic API key: set ANTHROPIC_API_KEY (export ANTHROPIC_API_KEY=sk-ant-...), " +
        "or pass --offline to serve placeholder pages without one",
    );
  }
  return config;
}

/** The database options the read-only commands (pages, stats, purge) share with serve. */
export function resolveDbConfig(flags: Flags, env: Env): Pick<Config, "dbPath"> {
  const raw = pick(flags, env, "db", "DATABASE_URL");
  return { dbPath: raw ? dbPathOf(raw) : "./rabbithole.db" };
}

export function resolveMaxCost(flags: Flags, env: Env): number | null {
  const raw = pick(flags, env, "max-cost", "RABBITHOLE_MAX_COST");
  return raw ? amountOf(raw, "an amount in USD (a number >= 0, like 5 or 2.50)") : null;
}

/** Both prices or neither: half a price table would make every cost wrong. */
function resolvePrices(flags: Flags, env: Env): Config["prices"] {
  const input = pick(flags, env, "price-input", "RABBITHOLE_PRICE_INPUT");
  const output = pick(flags, env, "price-output", "RABBITHOLE_PRICE_OUTPUT");
  if (!input && !output) return null;
  if (!input || !output) {
    const given = (input ?? output) as Raw;
    throw new UsageError(
      `${given.where} needs its pair: give both --price-input and --price-output ` +
        "(USD per million tokens)",
    );
  }
  const what = "a price in USD per million tokens (like 3 or 0.80)";
  return { input: amountOf(input, what), output: amountOf(output, what) };
}

/**
 * A file path from a plain path, `sqlite:///abs/path`, `sqlite://rel/path`, `sqlite:path` or
 * one of the `:memory:` spellings. Query strings (sqlx's `?mode=rwc`) are ignored.
 */
export function resolveDbPath(value: string): string {
  return dbPathOf({ value, where: `database ${quote(value)}` });
}

function dbPathOf(raw: Raw): string {
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

function resolveSeed(flags: Flags, env: Env): string | null {
  const text = fromFlag(flags, "seed");
  const file = fromFlag(flags, "seed-file");
  if (text && file) throw new UsageError("--seed and --seed-file exclude each other: pass one");
  if (text) return seedOf(text);
  if (file) return seedOf(file, readText(file, MAX_SEED_BYTES, "a seed"));
  const envText = fromEnv(env, "RABBITHOLE_SEED");
  const envFile = fromEnv(env, "RABBITHOLE_SEED_FILE");
  if (envText && envFile) {
    throw new UsageError(
      "RABBITHOLE_SEED and RABBITHOLE_SEED_FILE are both set (environment): unset one",
    );
  }
  if (envText) return seedOf(envText);
  return envFile ? seedOf(envFile, readText(envFile, MAX_SEED_BYTES, "a seed")) : null;
}

/** Beyond this a "seed" is a wrong file (a log, a database), not a prompt for one page. */
const MAX_SEED_BYTES = 256 * 1024;

// Trimmed, so that a trailing newline in a file does not count as a changed seed. Checked
// here because a bad seed is sent, and paid for, with every attempt at the homepage.
function seedOf(raw: Raw, text = raw.value): string {
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

function readText(raw: Raw, maxBytes: number, what: string): string {
  const text = readBoundedFile(raw, maxBytes, what);
  if (text.trim() === "") throw new UsageError(`${raw.where} is an empty file`);
  return text;
}

function hostOf(raw: Raw): string {
  // Bun.serve wants an IPv6 address without the brackets a URL would put around it.
  const host = raw.value.replace(/^\[(.*)\]$/, "$1");
  if (!/^[A-Za-z0-9._:%-]+$/.test(host)) {
    throw new UsageError(`${raw.where} is not a host name or IP address`);
  }
  return host;
}

function modelOf(raw: Raw): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/.test(raw.value)) {
    throw new UsageError(`${raw.where} is not a model id (like ${DEFAULT_MODEL})`);
  }
  return raw.value;
}

function effortOf(raw: Raw): Effort {
  const effort = EFFORTS.find((e) => e === raw.value.trim().toLowerCase());
  if (!effort) throw new UsageError(`${raw.where} is not an effort: use ${EFFORTS.join(", ")}`);
  return effort;
}

// A Claude model before 4.6 has no adaptive thinking for an effort to steer (400 upstream):
// say so at start-up rather than fail every page.
function checkEffort(config: Config, raw: Raw | undefined): void {
  const traits = traitsOf(config.model);
  if (!raw || config.offline || traits.version === null || traits.adaptive) return;
  throw new UsageError(
    `${raw.where} needs a model with adaptive thinking (4.6 or later); ` +
      `"${config.model}" has none: drop the effort or choose another --model`,
  );
}

function baseUrlOf(raw: Raw | undefined): string | null {
  if (!raw) return null;
  const url = URL.parse(raw.value);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(`${raw.where} is not an http(s) URL`);
  }
  return raw.value;
}
