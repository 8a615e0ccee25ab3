// Raw option values and where they came from (a flag or the environment), with the parsers
// shared by every option: each failure is one UsageError naming the value and its source.

import { closeSync, openSync, readSync } from "node:fs";
import { UsageError } from "../core/errors.ts";

/** Parsed flags keyed by long option name, as citty yields them ("seed-file", "web-tools"). */
export type Flags = Record<string, unknown>;
export type Env = Record<string, string | undefined>;

/** A raw value and the words that tell the operator where it came from. */
export interface Raw {
  value: string;
  where: string;
}

export function intOf(
  raw: Raw,
  min: number,
  max: number,
  what = `a whole number from ${min} to ${max}`,
) {
  const n = /^\d{1,9}$/.test(raw.value) ? Number(raw.value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`${raw.where} is not ${what}`);
  return n;
}

/** A non-negative decimal amount (USD): no exponents, no signs, no "Infinity". */
export function amountOf(raw: Raw, what: string): number {
  const n = Number(raw.value);
  if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(raw.value) || !Number.isFinite(n)) {
    throw new UsageError(`${raw.where} is not ${what}`);
  }
  return n;
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

export function resolveBool(
  flags: Flags,
  env: Env,
  flag: string,
  envName: string,
): boolean | undefined {
  const fromFlagValue = flagBool(flags, flag);
  if (fromFlagValue !== undefined) return fromFlagValue;
  const raw = fromEnv(env, envName);
  if (!raw) return undefined;
  const word = raw.value.trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new UsageError(`${raw.where} is not a boolean (use 1/0, true/false, yes/no or on/off)`);
}

export function flagBool(flags: Flags, name: string): boolean | undefined {
  const value = flags[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new UsageError(`--${name} takes no value`);
  return value;
}

export function pick(flags: Flags, env: Env, flag: string, envName: string): Raw | undefined {
  return fromFlag(flags, flag) ?? fromEnv(env, envName);
}

export function fromFlag(flags: Flags, name: string): Raw | undefined {
  const value = flags[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new UsageError(`--${name} needs a value`);
  return { value, where: `--${name} ${quote(value)}` };
}

// Deployment tools often set a variable to "" to mean "not set".
export function fromEnv(env: Env, name: string): Raw | undefined {
  const value = env[name];
  if (value === undefined || value === "") return undefined;
  return { value, where: `${name}=${quote(value)} (environment)` };
}

// Long values (a seed, a pasted document) would drown the message.
export function quote(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

/**
 * A file option's contents, read once at start-up and never more than `maxBytes` (+1 to tell):
 * `/dev/zero` or a huge file fails at once, naming the limit, instead of growing memory without
 * end (and a 300 MB 404 page being sent on every 404).
 */
export function readBoundedFile(raw: Raw, maxBytes: number, what: string): string {
  let fd: number;
  try {
    fd = openSync(raw.value, "r");
  } catch (err) {
    throw new UsageError(`${raw.where} cannot be read: ${fsReason(err)}`);
  }
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    for (let n = 1; n > 0 && got <= maxBytes; got += n)
      n = readSync(fd, buf, got, buf.length - got, null);
    if (got > maxBytes) {
      throw new UsageError(
        `${raw.where} is larger than ${maxBytes / 1024} KiB, the most ${what} may be`,
      );
    }
    return buf.subarray(0, got).toString("utf8");
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${raw.where} cannot be read: ${fsReason(err)}`);
  } finally {
    closeSync(fd);
  }
}

const FS_REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "permission denied",
};

export function fsReason(err: unknown): string {
  return FS_REASONS[(err as { code?: string }).code ?? ""] ?? (err as Error).message;
}
