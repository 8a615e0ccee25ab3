// Every option of every command, once: its flag, its environment twin, its default, its parser
// and its help. config.ts resolves them (flag > environment > default) into the typed Config,
// cli/args.ts turns them into citty's argument definitions, and --help shows each one's env
// name and default from here, so a default is written in one place only.

import { EFFORTS, type Effort } from "../llm/models.ts";
import { DEFAULT_MODEL } from "../llm/prices.ts";
import { DEFAULT_STALL_MS } from "../llm/stream-guard.ts";
import type { LogFormat } from "../ops/log.ts";
import { BOT_POLICIES, type BotPolicy } from "./bot-policy.ts";
import {
  contextTokensOf,
  cspOf,
  effortOf,
  formatOf,
  hostOf,
  levelOf,
  modelOf,
  onOff,
  PROVIDERS,
  type Provider,
  policyOf,
  providerOf,
  rateOf,
} from "./parse.ts";
import {
  amountOf,
  type Env,
  type Flags,
  flagBool,
  fromFlag,
  intOf,
  pick,
  type Raw,
  resolveBool,
} from "./values.ts";

export interface Option<T> {
  /** The long flag, without its dashes. */
  flag: string;
  /** The environment variable that sets it when the flag is absent. */
  env?: string;
  /** A flag that takes no value (`--offline`; `--no-web-tools` for a default of true). */
  boolean?: true;
  default: T;
  /** How --help shows the default; null: not shown. By default, the value itself. */
  shown?: string | null;
  /** A value's raw text → its typed value (boolean options need none). */
  parse?: (raw: Raw) => T;
  /** citty's value hint: `--port <n>`. */
  hint?: string;
  help: string;
  /** The help of `--no-<flag>`, for a boolean that is on by default. */
  negative?: string;
}

const option = <T>(o: Option<T>): Option<T> => o;

/** One option's value: the flag, else its environment twin, else its default. */
export function read<T>(o: Option<T>, flags: Flags, env: Env): T {
  if (o.boolean) {
    const value = o.env ? resolveBool(flags, env, o.flag, o.env) : flagBool(flags, o.flag);
    return (value ?? o.default) as T;
  }
  const raw = o.env ? pick(flags, env, o.flag, o.env) : fromFlag(flags, o.flag);
  return raw && o.parse ? o.parse(raw) : o.default;
}
const int = (min: number, max: number, what?: string) => (r: Raw) => intOf(r, min, max, what);
const usd = "an amount in USD (a number >= 0, like 5 or 2.50)";
const perMillion = "a price in USD per million tokens (like 3 or 0.80)";

/** What every command that opens the database takes. */
export const DB_OPTIONS = {
  db: option<string>({
    flag: "db",
    env: "DATABASE_URL",
    hint: "path|url",
    default: "./rabbithole.db",
    help: "SQLite file, path or sqlite:// URL",
  }),
} as const;

export const MAX_COST_OPTION = {
  maxCostUsd: option<number | null>({
    flag: "max-cost",
    env: "RABBITHOLE_MAX_COST",
    hint: "usd",
    default: null,
    shown: "none",
    parse: (r) => amountOf(r, usd),
    help: "Hard cap on total LLM spend in USD",
  }),
} as const;

/** `serve`'s options, in the order --help lists them; the public-facing ones are OPS_OPTIONS. */
export const SERVE_OPTIONS = {
  seed: option<string | null>({
    flag: "seed",
    env: "RABBITHOLE_SEED",
    hint: "text",
    default: null,
    shown: null,
    help: "Prompt for the homepage /, needed while the db has none",
  }),
  seedFile: option<string | null>({
    flag: "seed-file",
    env: "RABBITHOLE_SEED_FILE",
    hint: "path",
    default: null,
    shown: null,
    help: "Read the seed from a file instead",
  }),
  // 0 asks the system for a free port; the log line says which one it got.
  port: option({
    flag: "port",
    env: "PORT",
    hint: "n",
    default: 8080,
    parse: int(0, 65535, "a port (0-65535)"),
    help: "Port to listen on",
  }),
  host: option({
    flag: "host",
    env: "HOST",
    hint: "addr",
    default: "0.0.0.0",
    parse: hostOf,
    help: "Address to bind",
  }),
  ...DB_OPTIONS,
  model: option({
    flag: "model",
    env: "RABBITHOLE_MODEL",
    hint: "id",
    default: DEFAULT_MODEL,
    parse: modelOf,
    help: "Model id",
  }),
  // Resolved together in provider.ts: the key, the base URL's env twin and the web tools'
  // default depend on the provider.
  provider: option<Provider>({
    flag: "provider",
    env: "RABBITHOLE_PROVIDER",
    hint: PROVIDERS.join("|"),
    default: "anthropic",
    parse: providerOf,
    help: "API the model is served by: Messages or Chat Completions",
  }),
  baseUrl: option<string | null>({
    flag: "base-url",
    hint: "url",
    default: null,
    shown: null,
    help: "A compatible server instead of the provider's own API (env ANTHROPIC_BASE_URL or OPENAI_BASE_URL)",
  }),
  contextTokens: option<number | null>({
    flag: "context-tokens",
    env: "RABBITHOLE_CONTEXT_TOKENS",
    hint: "n",
    default: null,
    shown: null,
    parse: contextTokensOf,
    help: "Bound on prompt plus output per call, for small local models",
  }),
  effort: option<Effort | null>({
    flag: "effort",
    env: "RABBITHOLE_EFFORT",
    hint: EFFORTS.join("|"),
    default: null,
    shown: "the least thinking the model allows",
    parse: effortOf,
    help: "Let the model think at this effort",
  }),
  // Fewer than 256 tokens cannot hold a page, it only multiplies continuation rounds; no
  // current model writes more than 128k in one call.
  maxTokens: option({
    flag: "max-tokens",
    env: "RABBITHOLE_MAX_TOKENS",
    hint: "n",
    default: 8192,
    parse: int(256, 128_000),
    help: "Output token cap per API call",
  }),
  depthLimit: option({
    flag: "depth-limit",
    env: "RABBITHOLE_DEPTH_LIMIT",
    hint: "n",
    default: 5,
    parse: int(1, 1000),
    help: "Deepest page, the homepage being 1",
  }),
  ...MAX_COST_OPTION,
  webTools: option({
    flag: "web-tools",
    env: "RABBITHOLE_WEB_TOOLS",
    boolean: true,
    default: true,
    shown: "on against Anthropic's API only",
    help: "Let Claude use web_search and web_fetch",
    negative: "Turn the web tools off (env RABBITHOLE_WEB_TOOLS=0)",
  }),
  notFoundFile: option<string | null>({
    flag: "four-oh-four",
    hint: "path",
    default: null,
    shown: "a built-in page",
    help: "HTML file served with 404 for unknown URLs",
  }),
  loadingPage: option({
    flag: "loading-page",
    env: "RABBITHOLE_LOADING_PAGE",
    boolean: true,
    default: false,
    shown: "off",
    help: "Serve a loading page polling /__ready instead of streaming",
  }),
  memory: option({
    flag: "memory",
    env: "RABBITHOLE_MEMORY",
    hint: "on|off",
    default: true,
    shown: "on",
    parse: onOff,
    help: "Site memory: bible, shared shell and context; off = every page from its brief alone",
  }),
  offline: option({
    flag: "offline",
    boolean: true,
    default: false,
    shown: null,
    help: "Write placeholder pages without an API key, at zero cost",
  }),
  priceInput: option<number | null>({
    flag: "price-input",
    env: "RABBITHOLE_PRICE_INPUT",
    hint: "usd",
    default: null,
    shown: null,
    parse: (r) => amountOf(r, perMillion),
    help: "USD per million input tokens, for a model missing from the price table",
  }),
  priceOutput: option<number | null>({
    flag: "price-output",
    env: "RABBITHOLE_PRICE_OUTPUT",
    hint: "usd",
    default: null,
    shown: null,
    parse: (r) => amountOf(r, perMillion),
    help: "USD per million output tokens, with --price-input",
  }),
  stallTimeoutSec: option({
    flag: "stall-timeout",
    env: "RABBITHOLE_STALL_TIMEOUT",
    hint: "seconds",
    default: DEFAULT_STALL_MS / 1000,
    parse: int(5, 3600),
    help: "Fail an upstream stream silent for this long",
  }),
  // Fly's kill_timeout (fly.toml) must stay above this, or the machine is killed mid-drain.
  gracePeriodSec: option({
    flag: "grace-period",
    env: "RABBITHOLE_GRACE_PERIOD",
    hint: "seconds",
    default: 25,
    parse: int(0, 3600),
    help: "On SIGINT/SIGTERM, how long generations under way may finish",
  }),
} as const;

/** Logs, metrics, crawlers, limits, memory, CSP: running in public. */
export const OPS_OPTIONS = {
  logLevel: option<string | undefined>({
    flag: "log-level",
    env: "RABBITHOLE_LOG_LEVEL",
    hint: "level",
    default: undefined,
    shown: "info",
    parse: levelOf,
    help: "error, warn, info or debug",
  }),
  logFormat: option<LogFormat>({
    flag: "log-format",
    env: "RABBITHOLE_LOG_FORMAT",
    hint: "json|pretty|auto",
    default: "auto",
    parse: formatOf,
    help: "JSON lines or readable lines; auto = JSON unless a terminal",
  }),
  metricsPort: option<number | null>({
    flag: "metrics-port",
    env: "RABBITHOLE_METRICS_PORT",
    hint: "n",
    default: null,
    shown: "off",
    parse: int(1, 65535),
    help: "Serve Prometheus metrics on this port",
  }),
  botPolicy: option<BotPolicy>({
    flag: "bot-policy",
    env: "RABBITHOLE_BOT_POLICY",
    hint: BOT_POLICIES.join("|"),
    default: "cached",
    parse: policyOf,
    help: "Crawlers: cached pages only, like people, or nothing",
  }),
  robotsFile: option<string | null>({
    flag: "robots-file",
    env: "RABBITHOLE_ROBOTS_FILE",
    hint: "path",
    default: null,
    shown: "built-in",
    help: "Serve this file as /robots.txt",
  }),
  ratePerMinute: option({
    flag: "rate-limit",
    env: "RABBITHOLE_RATE_LIMIT",
    hint: "per-minute",
    default: 6,
    parse: rateOf,
    help: "New pages one client may start per minute, 0 = off",
  }),
  rateBurst: option({
    flag: "rate-burst",
    env: "RABBITHOLE_RATE_BURST",
    hint: "n",
    default: 4,
    parse: int(1, 10_000),
    help: "New pages one client may start at once",
  }),
  maxConcurrent: option({
    flag: "max-concurrent",
    env: "RABBITHOLE_MAX_CONCURRENT",
    hint: "n",
    default: 8,
    parse: int(1, 1000),
    help: "Generations under way at once",
  }),
  queue: option({
    flag: "queue",
    env: "RABBITHOLE_QUEUE",
    hint: "n",
    default: 16,
    parse: int(0, 10_000),
    help: "New pages that may wait briefly for a slot",
  }),
  cacheMb: option({
    flag: "cache-mb",
    env: "RABBITHOLE_CACHE_MB",
    hint: "MiB",
    default: 32,
    parse: int(0, 65_536),
    help: "Memory for hot cached pages, all encodings",
  }),
  csp: option<string | null>({
    flag: "csp",
    env: "RABBITHOLE_CSP",
    hint: "policy|strict",
    default: null,
    shown: "none",
    parse: cspOf,
    help: "Content-Security-Policy for generated pages",
  }),
} as const;

/** The options only the environment sets (secrets, and what the platform tells us). */
export const ENV_ONLY = {
  ANTHROPIC_API_KEY: "API key, required unless --offline or a --base-url",
  ANTHROPIC_BASE_URL: "API base URL, without /v1 (default https://api.anthropic.com)",
  OPENAI_API_KEY: "API key for --provider openai, optional with a --base-url",
  OPENAI_BASE_URL: "Chat Completions base URL, with /v1 (default https://api.openai.com/v1)",
  RABBITHOLE_ADMIN_TOKEN: "Turns on /__admin for holders of this token (16+ characters)",
  CONSOLA_LEVEL: "Log level: error, warn, info, debug (default info)",
} as const;

/** An option's line in --help: what it does, its environment twin, its default. */
export function helpOf(o: Option<unknown>): string {
  const shown = o.shown === undefined ? String(o.default) : o.shown;
  const notes = [o.env && `env ${o.env}`, shown !== null && `default ${shown}`].filter(Boolean);
  return notes.length > 0 ? `${o.help} (${notes.join(", ")})` : o.help;
}
