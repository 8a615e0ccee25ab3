// Options for running rabbithole in public: logs, metrics, bots, limits, CSP, the admin token.
// Resolved with the rest of the config (flag > env > default), each error naming its value.

import { UsageError } from "../core/errors.ts";
import { type BotPolicy, parseBotPolicy } from "../http/guards/bots.ts";
import { type LogFormat, parseLevel } from "../ops/log.ts";
import {
  amountOf,
  type Env,
  type Flags,
  fromEnv,
  intOf,
  pick,
  type Raw,
  readBoundedFile,
} from "./values.ts";

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

/**
 * Self-contained pages need nothing from the network: inline styles and scripts, data: images.
 * `--csp strict` gives them this; any other value is sent as it is.
 */
export const STRICT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; " +
  "img-src data:; font-src data:; media-src data:; form-action 'self'; base-uri 'none'";

export function resolveOpsConfig(flags: Flags, env: Env): OpsConfig {
  const opt = <T>(flag: string, envName: string, parse: (raw: Raw) => T, fallback: T): T => {
    const raw = pick(flags, env, flag, envName);
    return raw ? parse(raw) : fallback;
  };
  const robots = pick(flags, env, "robots-file", "RABBITHOLE_ROBOTS_FILE");
  return {
    logLevel: opt("log-level", "RABBITHOLE_LOG_LEVEL", levelOf, undefined),
    logFormat: opt("log-format", "RABBITHOLE_LOG_FORMAT", formatOf, "auto"),
    metricsPort: opt("metrics-port", "RABBITHOLE_METRICS_PORT", (r) => intOf(r, 1, 65535), null),
    botPolicy: opt("bot-policy", "RABBITHOLE_BOT_POLICY", policyOf, "cached"),
    robotsTxt: robots ? readRobots(robots) : null,
    ratePerMinute: opt("rate-limit", "RABBITHOLE_RATE_LIMIT", rateOf, 6),
    rateBurst: opt("rate-burst", "RABBITHOLE_RATE_BURST", (r) => intOf(r, 1, 10_000), 4),
    maxConcurrent: opt("max-concurrent", "RABBITHOLE_MAX_CONCURRENT", (r) => intOf(r, 1, 1000), 8),
    queue: opt("queue", "RABBITHOLE_QUEUE", (r) => intOf(r, 0, 10_000), 16),
    csp: opt("csp", "RABBITHOLE_CSP", cspOf, null),
    adminToken: adminTokenOf(fromEnv(env, "RABBITHOLE_ADMIN_TOKEN")),
    behindFly: Boolean(env.FLY_APP_NAME),
    cacheMb: opt("cache-mb", "RABBITHOLE_CACHE_MB", (r) => intOf(r, 0, 65_536), 32),
  };
}

// Checked here, not only when the logger is made, so the message says whether the flag or the
// environment holds the bad value.
function levelOf(raw: Raw): string {
  try {
    parseLevel(raw.value, undefined);
  } catch {
    throw new UsageError(`${raw.where} is not a log level (error, warn, info, debug or silent)`);
  }
  return raw.value;
}

function formatOf(raw: Raw): LogFormat {
  const v = raw.value.trim().toLowerCase();
  if (v === "json" || v === "pretty" || v === "auto") return v;
  throw new UsageError(`${raw.where} is not a log format (json, pretty or auto)`);
}

function policyOf(raw: Raw): BotPolicy {
  try {
    return parseBotPolicy(raw.value.trim().toLowerCase());
  } catch (err) {
    throw new UsageError(`${raw.where}: ${(err as Error).message}`);
  }
}

/** Per minute; decimals allowed (0.5 = one every two minutes); 0 turns the limit off. */
function rateOf(raw: Raw): number {
  return amountOf(raw, "a rate of new pages per minute (like 6 or 0.5; 0 = no limit)");
}

function cspOf(raw: Raw): string {
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

function readRobots(raw: Raw): string {
  return readBoundedFile(raw, MAX_ROBOTS_BYTES, "a robots.txt");
}

function adminTokenOf(raw: Raw | undefined): string | null {
  if (!raw) return null;
  // Guessable tokens would make the admin view (purge, regenerate: money) anyone's.
  if (raw.value.length < 16) {
    throw new UsageError("RABBITHOLE_ADMIN_TOKEN is too short: use at least 16 random characters");
  }
  return raw.value;
}
