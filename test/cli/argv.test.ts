// Strict argv (cli/argv.ts): citty accepts any flag silently, so each bad token is refused here
// as a usage error naming it, by the same reading of tokens citty uses.

import { describe, expect, test } from "bun:test";
import type { ArgsDef } from "citty";
import { checkArgv, suggest } from "../../src/cli/argv.ts";
import { usageError } from "../fixtures/usage.ts";

const SERVE: ArgsDef = {
  port: { type: "string" },
  seed: { type: "string" },
  offline: { type: "boolean" },
  "web-tools": { type: "boolean" },
  format: { type: "enum", options: ["a", "b"] },
};
const PURGE: ArgsDef = {
  url: { type: "positional" },
  db: { type: "string" },
  json: { type: "boolean" },
};

const refused = (argv: string[], def: ArgsDef = SERVE) =>
  usageError(() => checkArgv(argv, def, "rabbithole x")).message;

describe("checkArgv", () => {
  test("known options, values in either form, and negated booleans pass", () => {
    const ok = [
      ["--port", "80", "--seed=a moon", "--offline", "--no-web-tools", "--format", "a"],
      ["--port=0", "--web-tools"],
      [],
    ];
    for (const argv of ok) expect(() => checkArgv(argv, SERVE, "rabbithole")).not.toThrow();
    expect(() => checkArgv(["/a.html", "b.html", "--db", "x.db", "-"], PURGE, "p")).not.toThrow();
  });

  test("an unknown option is named, with the likely one and where help is", () => {
    expect(refused(["--prot", "80"])).toBe(
      'unknown option "--prot" (did you mean --port?); see rabbithole x --help',
    );
    expect(refused(["--webTools"])).toContain("did you mean --web-tools?");
    expect(refused(["-prt", "80"])).toBe(
      'unknown option "-prt" (did you mean --port?); see rabbithole x --help',
    );
    expect(refused(["--zzzzzz"])).toBe('unknown option "--zzzzzz"; see rabbithole x --help');
  });

  test("an option without its value, or with another option where the value should be", () => {
    expect(refused(["--port"])).toBe("--port needs a value; see rabbithole x --help");
    expect(refused(["--seed", "--offline"])).toBe("--seed needs a value; see rabbithole x --help");
    expect(refused(["--format", "--help"])).toContain("--format needs a value");
    // A value that merely looks like an option is a value.
    expect(() => checkArgv(["--seed", "--not-an-option"], SERVE, "x")).not.toThrow();
    expect(() => checkArgv(["--seed", "-5"], SERVE, "x")).not.toThrow();
  });

  test("a boolean given a value is refused, telling how to write it", () => {
    expect(refused(["--offline=yes"])).toBe("--offline takes no value (write --offline alone)");
    expect(refused(["--no-web-tools=1"])).toContain("--no-web-tools takes no value");
  });

  test("arguments a command takes none of; after -- as before it", () => {
    expect(refused(["serve-now"])).toBe('unexpected argument "serve-now"; see rabbithole x --help');
    expect(refused(["--", "x"])).toBe('unexpected argument "x"; see rabbithole x --help');
    expect(() => checkArgv(["--"], SERVE, "x")).not.toThrow();
    // After --, a command with positionals takes anything, even what looks like an option.
    expect(() => checkArgv(["--", "--weird"], PURGE, "x")).not.toThrow();
    expect(() => checkArgv(["--", "--weird"], SERVE, "x")).toThrow('unexpected argument "--weird"');
  });
});

describe("suggest", () => {
  const names = ["port", "seed-file", "max-cost", "web-tools"];

  test("the same words in another case or with underscores", () => {
    expect(suggest("seedFile", names)).toBe("seed-file");
    expect(suggest("MAX_COST", names)).toBe("max-cost");
    expect(suggest("noWebTools", names)).toBe("no-web-tools");
  });

  test("a typo of up to two edits; nothing when nothing is close", () => {
    expect(suggest("prot", names)).toBe("port");
    expect(suggest("max-cots", names)).toBe("max-cost");
    expect(suggest("seedfil", names)).toBe("seed-file");
    expect(suggest("colour", names)).toBeUndefined();
    // Three edits is too many.
    expect(suggest("pxyz", names)).toBeUndefined();
    expect(suggest("zz", names)).toBeUndefined();
  });
});
