// The `rabbithole` command. citty describes the commands and renders help; argv is checked
// strictly before citty parses it, and every error ends here with the documented exit code:
// 2 for usage and configuration, 1 for anything else.

import { stripVTControlCharacters } from "node:util";
import { type ArgsDef, type CommandDef, defineCommand, renderUsage, runCommand } from "citty";
import { resolveDbConfig, resolveMaxCost, resolveServeConfig } from "../config/config.ts";
import { UsageError } from "../core/errors.ts";
import type { Logger } from "../core/types.ts";
import { VERSION } from "../core/version.ts";
import { createLogger } from "../ops/log.ts";
import { dbArgs, ENV_HELP, jsonArg, maxCostArg, serveArgs } from "./args.ts";
import { checkArgv } from "./argv.ts";
import { listPages, migrateDatabase, purgePages, showStats } from "./db-commands.ts";
import { exportCommand } from "./export-command.ts";
import { rollbackCommand, versionsCommand } from "./versions-command.ts";

const serve = defineCommand({
  meta: { name: "serve", description: "Run the server (the default command)" },
  args: serveArgs,
  async run({ args }) {
    const config = resolveServeConfig(args, process.env);
    const logger = createLogger({ level: config.ops.logLevel, format: config.ops.logFormat });
    const { startServer } = await import("../app/server.ts");
    const server = await startServer(config, logger);
    stopOnSignals(() => server.stop(config.gracePeriodSec * 1000), logger);
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
    const warn = (message: string) => console.error(`rabbithole: ${message}`);
    print(purgePages(dbPath, args._, args.json === true, warn));
  },
});

const migrate = defineCommand({
  meta: { name: "migrate", description: "Create or upgrade the database schema, then exit" },
  args: { ...dbArgs },
  run({ args }) {
    print(migrateDatabase(resolveDbConfig(args, process.env).dbPath));
  },
});

const bible = defineCommand({
  meta: { name: "bible", description: "Print the site bible, or replace it with --set FILE" },
  args: {
    set: { type: "string", valueHint: "file", description: "Replace the bible with this file" },
    ...dbArgs,
    ...jsonArg,
  },
  async run({ args }) {
    const { dbPath } = resolveDbConfig(args, process.env);
    const { replaceBible, showBible } = await import("./bible-command.ts");
    print(
      args.set === undefined
        ? showBible(dbPath, args.json === true)
        : replaceBible(dbPath, args.set),
    );
  },
});

// Erased to the base type: citty types run() by each command's own args, which makes the
// commands mutually unassignable, and they are only looked up and run from here.
const COMMANDS = {
  serve,
  pages,
  stats,
  purge,
  migrate,
  bible,
  export: exportCommand,
  versions: versionsCommand,
  rollback: rollbackCommand,
} as unknown as Record<string, CommandDef>;

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
  // citty colours even when piped; it also pads every column, leaving trailing blanks, some
  // before a colour's reset code: so the colours go first, then the blanks.
  if (!process.stdout.isTTY) text = stripVTControlCharacters(text);
  print(text.replace(/[ \t]+$/gm, ""));
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

/** The one place an error ends the process, with the documented exit code. */
export function fail(err: unknown): never {
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
