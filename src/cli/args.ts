// The options of every command as citty wants them, made from the one option table
// (config/options.ts): each help line names the environment variable that can set it too, since
// deployments configure rabbithole through the environment.

import type { ArgsDef } from "citty";
import {
  DB_OPTIONS,
  ENV_ONLY,
  helpOf,
  MAX_COST_OPTION,
  OPS_OPTIONS,
  type Option,
  SERVE_OPTIONS,
} from "../config/options.ts";

/** No citty defaults: they would hide whether a flag was given, and flags beat environment. */
function argsOf(options: Record<string, Option<unknown>>): ArgsDef {
  const args: ArgsDef = {};
  for (const o of Object.values(options)) {
    args[o.flag] = o.boolean
      ? { type: "boolean", description: helpOf(o), negativeDescription: o.negative }
      : { type: "string", valueHint: o.hint, description: helpOf(o) };
  }
  return args;
}

export const dbArgs = argsOf(DB_OPTIONS);

export const jsonArg = {
  json: { type: "boolean", description: "Print JSON for scripts" },
} as const satisfies ArgsDef;

export const maxCostArg = argsOf(MAX_COST_OPTION);

export const serveArgs = argsOf({ ...SERVE_OPTIONS, ...OPS_OPTIONS });

const width = Math.max(...Object.keys(ENV_ONLY).map((name) => name.length)) + 2;

export const ENV_HELP = `

ENVIRONMENT

${Object.entries(ENV_ONLY)
  .map(([name, help]) => `  ${name.padEnd(width)}${help}`)
  .join("\n")}
`;
