#!/usr/bin/env bun
// The `rabbithole` command. citty describes the commands and renders help; argv is checked
// strictly before citty parses it, and every error ends here with the documented exit code:
// 2 for usage and configuration, 1 for anything else.

import { stripVTControlCharacters } from "node:util";
import { type ArgsDef, type CommandDef, defineCommand, renderUsage, runCommand } from "citty";
import pkg from "../package.json" with { type: "json" };
import { listPages, purgePages, showStats } from "./admin.ts";
import { checkArgv } from "./argv.ts";
import { resolveDbConfig, resolveMaxCost, resolveServeConfig } from "./config.ts";
import { UsageError } from "./errors.ts";
import { DEFAULT_MODEL } from "./llm/prices.ts";
import { createLogger } from "./log.ts";
import type { Logger } from "./types.ts";

// Set by the release build (`bun build --define RABBITHOLE_VERSION='"1.2.3"'`).
declare const RABBITHOLE_VERSION: string | undefined;
export const VERSION = typeof RABBITHOLE_VERSION === "string" ? RABBITHOLE_VERSION : pkg.version;

const dbArgs = {
  db: {
    type: "string",
    valueHint: "path|url",
    description: "SQLite file, path or sqlite:// URL (env DATABASE_URL, default ./rabbithole.db)",
  },
} as const satisfies ArgsDef;

const jsonArg = {
  json: { type: "boolean", description: "Print JSON for scripts" },
} as const satisfies ArgsDef;

const maxCostArg = {
  "max-cost": {
    type: "string",
    valueHint: "usd",
    description: "Hard cap on total LLM spend in USD (env RABBITHOLE_MAX_COST, default none)",
  },
} as const satisfies ArgsDef;

// No citty `default`s: a default would hide whether the flag was given, and flags beat env.
const serveArgs = {
  seed: {
    type: "string",
    valueHint: "text",
    description: "Prompt for the homepage / (env RABBITHOLE_SEED); needed while the db has none",
  },
  "seed-file": {
    type: "string",
    valueHint: "path",
    description: "Read the seed from a file instead (env RABBITHOLE_SEED_FILE)",
  },
  port: {
    type: "string",
    valueHint: "n",
    description: "Port to listen on (env PORT, default 8080)",
  },
  host: {
    type: "string",
    valueHint: "addr",
    description: "Address to bind (env HOST, default 0.0.0.0)",
  },
  ...dbArgs,
  model: {
    type: "string",
    valueHint: "id",
    description: `Anthropic model id (env RABBITHOLE_MODEL, default ${DEFAULT_MODEL})`,
  },
  "max-tokens": {
    type: "string",
    valueHint: "n",
    description: "Output token cap per API call (env RABBITHOLE_MAX_TOKENS, default 8192)",
  },
  "depth-limit": {
    type: "string",
    valueHint: "n",
    description: "Deepest page, the homepage being 1 (env RABBITHOLE_DEPTH_LIMIT, default 5)",
  },
  ...maxCostArg,
  "web-tools": {
    type: "boolean",
    description: "Let Claude use web_search and web_fetch (env RABBITHOLE_WEB_TOOLS, default on)",
    negativeDescription: "Turn the web tools off (env RABBITHOLE_WEB_TOOLS=0)",
  },
  "four-oh-four": {
    type: "string",
    valueHint: "path",
    description: "HTML file served with 404 for unknown URLs (default: a built-in page)",
  },
  "loading-page": {
    type: "boolean",
    description:
      "Serve a loading page polling /__ready instead of streaming (env RABBITHOLE_LOADING_PAGE=1)",
  },
  offline: {
    type: "boolean",
    description: "Write placeholder pages without an API key, at zero cost",
  },
} as const satisfies ArgsDef;

const ENV_HELP = `

ENVIRONMENT

  ANTHROPIC_API_KEY   API key, required unless --offline
  ANTHROPIC_BASE_URL  API base URL, without /v1 (default https://api.anthropic.com)
  CONSOLA_LEVEL       Log level: error, warn, info, debug (default info)
`;

const serve = defineCommand({
  meta: { name: "serve", description: "Run the server (the default command)" },
  args: serveArgs,
  async run({ args }) {
    const config = resolveServeConfig(args, process.env);
    const logger = createLogger();
    const { startServer } = await import("./server.ts");
    const server = await startServer(config, logger);
    stopOnSignals(server.stop, logger);
  },
});

const pages = defineCommand({
  meta: { name: "pages", description: "List the cached pages" },
  args: { ...dbArgs, ...jsonArg },
  run({ args }) {
    print(listPages(resolveDbConfig(args, process.env).dbPath, args.json === true));
  },
});

const stats = defineCommand({
  meta: { name: "stats", description: "Show pages, mappings, tokens, spend and budget left" },
  args: { ...dbArgs, ...maxCostArg, ...jsonArg },
  run({ args }) {
    const { dbPath } = resolveDbConfig(args, process.env);
    print(showStats(dbPath, resolveMaxCost(args, process.env), args.json === true));
  },
});

const purge = defineCommand({
  meta: { name: "purge", description: "Drop cached pages so that they regenerate" },
  args: {
    url: {
      type: "positional",
      required: false,
      description: "One or more paths or URLs of pages, like /planets/mars.html",
    },
    ...dbArgs,
    ...jsonArg,
  },
  run({ args }) {
    const { dbPath } = resolveDbConfig(args, process.env);
    print(purgePages(dbPath, args._, args.json === true));
  },
});

// Erased to the base type: citty types run() by each command's own args, which makes the
// commands mutually unassignable, and they are only looked up and run from here.
const COMMANDS = { serve, pages, stats, purge } as unknown as Record<string, CommandDef>;

// Only for help: serve is the default command, so its options are the top-level ones.
const root: CommandDef = {
  meta: {
    name: "rabbithole",
    version: VERSION,
    description: "A web server that grows a whole website out of one sentence",
  },
  args: {
    ...serveArgs,
    version: { type: "boolean", description: "Print the version and exit" },
    help: { type: "boolean", description: "Print this help (or a command's, after its name)" },
  },
  subCommands: COMMANDS,
};

export async function main(argv: string[]): Promise<void> {
  const first = argv[0];
  const named = first !== undefined && !first.startsWith("-");
  const cmd = COMMANDS[named ? first : "serve"];
  if (!cmd) {
    const names = Object.keys(COMMANDS).join(", ");
    throw new UsageError(`unknown command "${first}" (commands: ${names}); see rabbithole --help`);
  }
  const rest = named ? argv.slice(1) : argv;
  const options = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (options.includes("--help") || options.includes("-h")) {
    return printHelp(named ? cmd : root, named ? root : undefined);
  }
  if (options.includes("--version")) return print(VERSION);
  checkArgv(rest, (cmd.args ?? {}) as ArgsDef, named ? `rabbithole ${first}` : "rabbithole");
  await runCommand(cmd, { rawArgs: rest });
}

async function printHelp(cmd: CommandDef<ArgsDef>, parent?: CommandDef<ArgsDef>): Promise<void> {
  let text = await renderUsage(cmd, parent);
  if (cmd === root || cmd === serve) text += ENV_HELP;
  // citty pads every column, leaving trailing blanks; it also colours even when piped.
  text = text.replace(/[ \t]+$/gm, "");
  print(process.stdout.isTTY ? text : stripVTControlCharacters(text));
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

// Fly sends SIGINT, then SIGTERM once kill_timeout has passed: the first signal drains the
// generations under way (their money is spent), a second one gives up waiting.
function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} while stopping: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: finishing generations under way, then exiting`);
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error("shutdown failed", err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

function fail(err: unknown): never {
  if (err instanceof UsageError) {
    console.error(`rabbithole: ${err.message}`);
    process.exit(err.exitCode);
  }
  const error = err instanceof Error ? err : new Error(String(err));
  // citty's own argument errors are usage errors too.
  const usage = error.name === "CLIError";
  console.error(`rabbithole: ${stripVTControlCharacters(error.message)}`);
  if (!usage && /^(debug|trace|verbose|[4-9])$/i.test(process.env.CONSOLA_LEVEL ?? "")) {
    console.error(error.stack);
  }
  process.exit(usage ? 2 : 1);
}

if (import.meta.main) main(process.argv.slice(2)).catch(fail);
