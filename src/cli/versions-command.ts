// `rabbithole versions URL` and `rabbithole rollback URL [N]`: the pages a purge, a regeneration
// or a rollback replaced, and putting one back. A rollback writes, so it runs on the primary
// only; a server running on the same file serves the restored page within its purge poll.

import { defineCommand } from "citty";
import { resolveDbConfig } from "../config/config.ts";
import { UsageError } from "../core/errors.ts";
import { bytes, usd } from "../core/format.ts";
import { rollbackPage } from "../generate/rollback.ts";
import { withStore } from "../store/store.ts";
import type { PageVersion } from "../store/versions.ts";
import { dbArgs, jsonArg } from "./args.ts";
import { keyOf, textTable, utcTime, withPrimaryStore } from "./db-commands.ts";

export function listVersions(dbPath: string, url: string | undefined, json: boolean): string {
  const key = keyOf(required(url, "versions"));
  const versions = withStore(dbPath, { readonly: true }, (store) => store.versions(key));
  if (versions.length === 0) throw nothingAt(key);
  if (json) return JSON.stringify({ key, versions }, null, 2);
  return versionsTable(versions);
}

export async function rollback(
  dbPath: string,
  positionals: string[],
  json: boolean,
): Promise<string> {
  const [url, raw, extra] = positionals;
  if (extra !== undefined) {
    throw new UsageError(`unexpected argument "${extra}": rollback takes a URL and a version`);
  }
  const key = keyOf(required(url, "rollback"));
  const n = raw === undefined ? null : versionNumber(raw);
  const outcome = await withPrimaryStore(dbPath, "rollback", (store) =>
    rollbackPage(store, key, n),
  );
  if (outcome.kind === "none") {
    if (outcome.kept.length === 0) throw nothingKept(key, n);
    throw new UsageError(
      `${key} has no kept version ${n}: the kept ones are ${outcome.kept.join(", ")} ` +
        `(rabbithole versions ${key})`,
    );
  }
  if (json) return JSON.stringify({ key, ...outcome }, null, 2);
  if (outcome.kind === "current") {
    return `version ${outcome.version} of ${key} is already current: nothing changed`;
  }
  const kept = outcome.replaced === null ? "" : ` (version ${outcome.replaced} is kept)`;
  return `rolled back ${key} to version ${outcome.version}${kept}`;
}

function required(url: string | undefined, command: string): string {
  if (url === undefined || url === "") {
    throw new UsageError(`${command} needs a URL, like: rabbithole ${command} /planets/mars.html`);
  }
  return url;
}

function versionNumber(raw: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(raw)) {
    throw new UsageError(`"${raw}" is not a version number (rabbithole versions URL lists them)`);
  }
  return Number(raw);
}

function nothingAt(key: string): UsageError {
  return new UsageError(
    `no page has been written at "${key}", and none was kept (rabbithole pages lists them)`,
  );
}

function nothingKept(key: string, n: number | null): UsageError {
  const which = n === null ? "kept version" : `version ${n}`;
  return new UsageError(`"${key}" has no ${which} to roll back to (rabbithole versions ${key})`);
}

function versionsTable(versions: PageVersion[]): string {
  const rows = versions.map((v) => [
    String(v.version),
    utcTime(v.createdAt),
    v.model,
    usd(v.costUsd, true),
    bytes(v.bytes),
    v.current ? "current" : `replaced ${utcTime(v.replacedAt ?? 0)}`,
  ]);
  const header = ["VERSION", "CREATED (UTC)", "MODEL", "COST", "SIZE", "STATE"];
  return textTable(header, rows, [true, false, false, true, true, false]);
}

const urlArg = {
  url: { type: "positional", required: false, description: "The page's path or URL" },
} as const;

export const versionsCommand = defineCommand({
  meta: { name: "versions", description: "List a page's versions: the current one and those kept" },
  args: { ...urlArg, ...dbArgs, ...jsonArg },
  run({ args }) {
    const { dbPath } = resolveDbConfig(args, process.env);
    if (args._.length > 1) throw new UsageError(`unexpected argument "${args._[1]}"`);
    process.stdout.write(`${listVersions(dbPath, args._[0], args.json === true)}\n`);
  },
});

export const rollbackCommand = defineCommand({
  meta: {
    name: "rollback",
    description: "Make a kept version of a page current again (by default the one replaced last)",
  },
  args: {
    ...urlArg,
    version: { type: "positional", required: false, description: "The version number (N)" },
    ...dbArgs,
    ...jsonArg,
  },
  async run({ args }) {
    const { dbPath } = resolveDbConfig(args, process.env);
    process.stdout.write(`${await rollback(dbPath, args._, args.json === true)}\n`);
  },
});
