// The commands' options as citty takes them (cli/args.ts), made from the one option table: each
// flag of the table there, of the right kind, its help naming its environment twin, and no
// citty default to hide whether a flag was given.

import { describe, expect, test } from "bun:test";
import { dbArgs, ENV_HELP, jsonArg, maxCostArg, serveArgs } from "../../src/cli/args.ts";
import {
  DB_OPTIONS,
  ENV_ONLY,
  MAX_COST_OPTION,
  OPS_OPTIONS,
  type Option,
  SERVE_OPTIONS,
} from "../../src/config/options.ts";

const tables: [string, Record<string, Option<unknown>>, Record<string, Record<string, unknown>>][] =
  [
    ["serve", { ...SERVE_OPTIONS, ...OPS_OPTIONS }, serveArgs],
    ["db", DB_OPTIONS, dbArgs],
    ["max cost", MAX_COST_OPTION, maxCostArg],
  ];

describe("args from the option table", () => {
  for (const [name, options, args] of tables) {
    test(`${name}: one citty arg per option, and nothing else`, () => {
      expect(Object.keys(args).sort()).toEqual(
        Object.values(options)
          .map((o) => o.flag)
          .sort(),
      );
    });
  }

  test("a boolean option is a citty boolean with its --no- help; the rest take a value", () => {
    for (const o of Object.values({ ...SERVE_OPTIONS, ...OPS_OPTIONS })) {
      const arg = serveArgs[o.flag] as Record<string, unknown>;
      if (o.boolean) {
        expect(arg).toMatchObject({ type: "boolean", negativeDescription: o.negative });
      } else {
        expect(arg).toMatchObject({ type: "string", valueHint: o.hint });
      }
      expect(arg).not.toHaveProperty("default");
    }
  });

  test("each help line names the environment variable and the default", () => {
    expect(serveArgs.port?.description).toBe("Port to listen on (env PORT, default 8080)");
    expect(dbArgs.db?.description).toContain("env DATABASE_URL");
    expect(serveArgs["web-tools"]?.description).toContain(
      "default on against Anthropic's API only",
    );
    // A default shown as null is left out: the seed has none to show.
    expect(serveArgs.seed?.description).toBe(
      "Prompt for the homepage /, needed while the db has none (env RABBITHOLE_SEED)",
    );
  });

  test("--json is a boolean for scripts", () => {
    expect(jsonArg.json.type).toBe("boolean");
  });
});

test("ENV_HELP lists every environment-only variable, its help in one column", () => {
  const lines = ENV_HELP.split("\n").filter((l) => l.startsWith("  "));
  expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(Object.keys(ENV_ONLY));
  const column = new Set(lines.map((l, i) => l.indexOf(Object.values(ENV_ONLY)[i] as string)));
  expect(column.size).toBe(1);
  expect(ENV_HELP).toContain("\nENVIRONMENT\n");
});
