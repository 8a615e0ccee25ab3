// Resolves flags, environment and defaults into one validated, typed Config (flag > env > default)
// from the option table (options.ts). Every failure is one UsageError line that names the value
// and where it came from, so an operator can fix a deployment from a single log line.

import { UsageError } from "../core/errors.ts";
import { type Effort, traitsOf } from "../llm/models.ts";
import type { LogFormat } from "../ops/log.ts";
import type { BotPolicy } from "./bot-policy.ts";
import {
  DB_OPTIONS,
  MAX_COST_OPTION,
  OPS_OPTIONS,
  type Option,
  read,
  SERVE_OPTIONS,
} from "./options.ts";
import {
  adminTokenOf,
  dbPathOf,
  MAX_NOT_FOUND_BYTES,
  MAX_SEED_BYTES,
  readRobots,
  readText,
  seedOf,
} from "./parse.ts";
import { type ProviderConfig, resolveProviderConfig } from "./provider.ts";
import { type Env, type Flags, fromEnv, fromFlag, pick, type Raw } from "./values.ts";

export interface Config extends ProviderConfig {
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
  /** Contents of the --four-oh-four file, read at start-up; null = built-in page. */
  notFoundHtml: string | null;
  loadingPage: boolean;
  /** --memory: site bible, shared shell and context (on), or every page from its brief alone. */
  memory: boolean;
  offline: boolean;
  /** On SIGINT/SIGTERM, how long generations under way may take to finish. */
  gracePeriodSec: number;
  /** Longest silence inside an upstream stream before the attempt counts as failed. */
  stallTimeoutSec: number;
  /** USD per million input and output tokens, for a model the price table does not know. */
  prices: { input: number; output: number } | null;
  /** Logs, metrics, bots, limits, CSP, admin. */
  ops: OpsConfig;
}

export interface OpsConfig {
  logLevel: string | undefined;
  logFormat: LogFormat;
  /** A second port for Prometheus; null = off. */
  metricsPort: number | null;
  botPolicy: BotPolicy;
  /** A robots.txt served as it is; null = the built-in one for the bot policy. */
  robotsTxt: string | null;
  /** New generations a client may start per minute, and in a burst; 0 = no limit. */
  ratePerMinute: number;
  rateBurst: number;
  /** Generations under way at once on this machine, and how many more may wait briefly. */
  maxConcurrent: number;
  queue: number;
  /** A Content-Security-Policy for generated pages; null = none. */
  csp: string | null;
  /** RABBITHOLE_ADMIN_TOKEN; null = no admin view. */
  adminToken: string | null;
  /** Behind Fly's proxy (FLY_APP_NAME set): Fly-Client-IP can be trusted. */
  behindFly: boolean;
  /** Memory for cached pages ready to send (all encodings), in MiB. */
  cacheMb: number;
}

export function resolveServeConfig(flags: Flags, env: Env): Config {
  const get = <T>(o: Option<T>) => read(o, flags, env);
  const S = SERVE_OPTIONS;
  const offline = get(S.offline);
  const notFound = fromFlag(flags, S.notFoundFile.flag);
  const config: Config = {
    seed: resolveSeed(flags, env),
    port: get(S.port),
    host: get(S.host),
    dbPath: resolveDbConfig(flags, env).dbPath,
    model: get(S.model),
    effort: get(S.effort),
    maxTokens: get(S.maxTokens),
    depthLimit: get(S.depthLimit),
    maxCostUsd: resolveMaxCost(flags, env),
    notFoundHtml: notFound ? readText(notFound, MAX_NOT_FOUND_BYTES, "a 404 page") : null,
    loadingPage: get(S.loadingPage),
    memory: get(S.memory),
    offline,
    ...resolveProviderConfig(flags, env, offline),
    gracePeriodSec: get(S.gracePeriodSec),
    stallTimeoutSec: get(S.stallTimeoutSec),
    prices: resolvePrices(flags, env),
    ops: resolveOpsConfig(flags, env),
  };
  checkEffort(config, pick(flags, env, S.effort.flag, S.effort.env as string));
  const metricsPort = config.ops.metricsPort;
  if (metricsPort !== null && metricsPort === config.port) {
    // Bun would bind both (SO_REUSEPORT) and the metrics server would answer the site's visitors.
    throw new UsageError(
      `--metrics-port ${metricsPort} is the site's port too (--port/PORT): give the metrics a ` +
        `port of their own, like ${metricsPort === 65535 ? metricsPort - 1 : metricsPort + 1}`,
    );
  }
  return config;
}

export function resolveOpsConfig(flags: Flags, env: Env): OpsConfig {
  const get = <T>(o: Option<T>) => read(o, flags, env);
  const O = OPS_OPTIONS;
  const robots = pick(flags, env, O.robotsFile.flag, O.robotsFile.env as string);
  return {
    logLevel: get(O.logLevel),
    logFormat: get(O.logFormat),
    metricsPort: get(O.metricsPort),
    botPolicy: get(O.botPolicy),
    robotsTxt: robots ? readRobots(robots) : null,
    ratePerMinute: get(O.ratePerMinute),
    rateBurst: get(O.rateBurst),
    maxConcurrent: get(O.maxConcurrent),
    queue: get(O.queue),
    csp: get(O.csp),
    adminToken: adminTokenOf(fromEnv(env, "RABBITHOLE_ADMIN_TOKEN")),
    behindFly: Boolean(env.FLY_APP_NAME),
    cacheMb: get(O.cacheMb),
  };
}

/**
 * Every option at its default, as a run with no flags and no environment would have it (with
 * --offline, the one start that needs neither a key nor a seed). Tools and tests start here.
 */
export function defaultConfig(): Config {
  return resolveServeConfig({ offline: true }, {});
}

/** The database options the read-only commands (pages, stats, purge) share with serve. */
export function resolveDbConfig(flags: Flags, env: Env): Pick<Config, "dbPath"> {
  const o = DB_OPTIONS.db;
  const raw = pick(flags, env, o.flag, o.env as string);
  return { dbPath: raw ? dbPathOf(raw) : o.default };
}

export function resolveMaxCost(flags: Flags, env: Env): number | null {
  return read(MAX_COST_OPTION.maxCostUsd, flags, env);
}

/** Both prices or neither: half a price table would make every cost wrong. */
function resolvePrices(flags: Flags, env: Env): Config["prices"] {
  const { priceInput, priceOutput } = SERVE_OPTIONS;
  const input = pick(flags, env, priceInput.flag, priceInput.env as string);
  const output = pick(flags, env, priceOutput.flag, priceOutput.env as string);
  if (!input && !output) return null;
  if (!input || !output) {
    const given = (input ?? output) as Raw;
    throw new UsageError(
      `${given.where} needs its pair: give both --price-input and --price-output ` +
        "(USD per million tokens)",
    );
  }
  const parse = (o: Option<number | null>, raw: Raw) => o.parse?.(raw) as number;
  return { input: parse(priceInput, input), output: parse(priceOutput, output) };
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
