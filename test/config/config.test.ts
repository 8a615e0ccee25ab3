import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveDbConfig, resolveMaxCost, resolveServeConfig } from "../../src/config/config.ts";
import { resolveDbPath } from "../../src/config/parse.ts";
import type { Env, Flags } from "../../src/config/values.ts";
import { DEFAULT_MODEL } from "../../src/llm/prices.ts";
import { usageError } from "../fixtures/usage.ts";

const dir = mkdtempSync(join(tmpdir(), "rabbithole-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const KEY = { ANTHROPIC_API_KEY: "sk-ant-test" };
const resolve = (flags: Flags = {}, env: Env = KEY) => resolveServeConfig(flags, env);

describe("defaults", () => {
  test("every option has its documented default", () => {
    expect(resolve({ offline: true }, {})).toEqual({
      seed: null,
      port: 8080,
      host: "0.0.0.0",
      dbPath: "./rabbithole.db",
      model: DEFAULT_MODEL,
      effort: null,
      maxTokens: 8192,
      depthLimit: 5,
      maxCostUsd: null,
      webTools: true,
      notFoundHtml: null,
      loadingPage: false,
      memory: true,
      offline: true,
      provider: "anthropic",
      apiKey: null,
      baseURL: null,
      contextTokens: null,
      gracePeriodSec: 25,
      stallTimeoutSec: 120,
      prices: null,
      ops: {
        logLevel: undefined,
        logFormat: "auto",
        metricsPort: null,
        botPolicy: "cached",
        robotsTxt: null,
        ratePerMinute: 6,
        rateBurst: 4,
        maxConcurrent: 8,
        queue: 16,
        csp: null,
        adminToken: null,
        behindFly: false,
        cacheMb: 32,
      },
    });
  });

  test("the default model is the current Sonnet", () => {
    expect(resolve().model).toBe("claude-sonnet-5-5");
  });
});

describe("precedence: flag > env > default", () => {
  type Value = string | number | null;
  const cases: [string, string, string, keyof ReturnType<typeof resolve>, Value, Value][] = [
    ["port", "PORT", "9000", "port", 9000, 9001],
    ["host", "HOST", "127.0.0.1", "host", "127.0.0.1", "127.0.0.2"],
    ["db", "DATABASE_URL", "a.db", "dbPath", "a.db", "b.db"],
    ["model", "RABBITHOLE_MODEL", "claude-haiku-4-5", "model", "claude-haiku-4-5", "x-2"],
    ["effort", "RABBITHOLE_EFFORT", "low", "effort", "low", "max"],
    ["max-tokens", "RABBITHOLE_MAX_TOKENS", "4096", "maxTokens", 4096, 1024],
    ["depth-limit", "RABBITHOLE_DEPTH_LIMIT", "3", "depthLimit", 3, 7],
    ["max-cost", "RABBITHOLE_MAX_COST", "2.5", "maxCostUsd", 2.5, 9],
    ["seed", "RABBITHOLE_SEED", "a site", "seed", "a site", "other"],
  ];
  const envValue = (v: Value) => String(v);
  for (const [flag, envName, flagValue, field, fromFlag, fromEnv] of cases) {
    test(`--${flag} beats ${envName}, which beats the default`, () => {
      const env = { ...KEY, [envName]: envValue(fromEnv) };
      expect(resolve({ [flag]: flagValue }, env)[field]).toEqual(fromFlag);
      expect(resolve({}, env)[field]).toEqual(fromEnv);
      expect(resolve({}, { ...KEY, [envName]: "" })[field]).toEqual(resolve()[field]);
    });
  }

  test("boolean flags beat their environment twins both ways", () => {
    const on = { ...KEY, RABBITHOLE_WEB_TOOLS: "1", RABBITHOLE_LOADING_PAGE: "1" };
    const off = { ...KEY, RABBITHOLE_WEB_TOOLS: "0", RABBITHOLE_LOADING_PAGE: "0" };
    expect(resolve({ "web-tools": false }, on).webTools).toBe(false);
    expect(resolve({ "web-tools": true }, off).webTools).toBe(true);
    expect(resolve({}, off).webTools).toBe(false);
    expect(resolve({ "loading-page": false }, on).loadingPage).toBe(false);
    expect(resolve({ "loading-page": true }, off).loadingPage).toBe(true);
    expect(resolve({}, on).loadingPage).toBe(true);
  });

  test("a --seed flag beats a RABBITHOLE_SEED_FILE in the environment", () => {
    const env = { ...KEY, RABBITHOLE_SEED_FILE: "/does/not/exist" };
    expect(resolve({ seed: "from flag" }, env).seed).toBe("from flag");
  });
});

describe("DATABASE_URL forms", () => {
  const forms: [string, string][] = [
    ["./rabbithole.db", "./rabbithole.db"],
    ["/litefs/rabbithole.db", "/litefs/rabbithole.db"],
    ["data/site.db", "data/site.db"],
    ["sqlite:///litefs/rabbithole.db", "/litefs/rabbithole.db"],
    ["sqlite://rel/path.db", "rel/path.db"],
    ["sqlite://rabbithole.db?mode=rwc", "rabbithole.db"],
    ["SQLITE:///abs.db", "/abs.db"],
    ["sqlite:plain.db", "plain.db"],
    ["sqlite:///with%20space.db", "/with space.db"],
    [":memory:", ":memory:"],
    ["sqlite::memory:", ":memory:"],
    ["sqlite://:memory:", ":memory:"],
  ];
  for (const [input, path] of forms) {
    test(`${input} → ${path}`, () => {
      expect(resolveDbPath(input)).toBe(path);
      expect(resolveDbConfig({}, { DATABASE_URL: input }).dbPath).toBe(path);
      expect(resolveDbConfig({ db: input }, {}).dbPath).toBe(path);
    });
  }

  test("the other commands get the same default", () => {
    expect(resolveDbConfig({}, {})).toEqual({ dbPath: "./rabbithole.db" });
  });

  const bad: [string, RegExp][] = [
    ["postgres://db/site", /is not SQLite/],
    ["sqlite://", /names no file/],
    ["sqlite:///bad%zz.db", /%-escape/],
  ];
  for (const [input, message] of bad) {
    test(`${input} is refused`, () => {
      expect(usageError(() => resolveDbPath(input)).message).toMatch(message);
      const err = usageError(() => resolveDbConfig({}, { DATABASE_URL: input }));
      expect(err.message).toStartWith(`DATABASE_URL=${JSON.stringify(input)} (environment)`);
    });
  }

  test("an empty --db is refused", () => {
    expect(usageError(() => resolveDbConfig({ db: "" }, {})).message).toBe('--db "" is empty');
  });
});

describe("validation names the value and where it came from", () => {
  const cases: [Flags, Env, string][] = [
    [{ port: "abc" }, {}, '--port "abc" is not a port (0-65535)'],
    [{}, { PORT: "99999" }, 'PORT="99999" (environment) is not a port (0-65535)'],
    [{ port: "-1" }, {}, '--port "-1" is not a port (0-65535)'],
    [{ "grace-period": "soon" }, {}, '--grace-period "soon" is not'],
    [{ "stall-timeout": "1" }, {}, '--stall-timeout "1" is not a whole number from 5 to 3600'],
    [{ "price-input": "3" }, {}, '--price-input "3" needs its pair'],
    [
      {},
      { RABBITHOLE_PRICE_OUTPUT: "15" },
      'RABBITHOLE_PRICE_OUTPUT="15" (environment) needs its pair',
    ],
    [{ "price-input": "x", "price-output": "1" }, {}, '--price-input "x" is not a price'],
    [{}, { RABBITHOLE_GRACE_PERIOD: "-5" }, 'RABBITHOLE_GRACE_PERIOD="-5" (environment) is not'],
    [{ port: "80.5" }, {}, '--port "80.5" is not a port (0-65535)'],
    [{ port: " 80" }, {}, '--port " 80" is not a port (0-65535)'],
    [{ port: "" }, {}, '--port "" is not a port (0-65535)'],
    [
      { "max-tokens": "12abc" },
      {},
      '--max-tokens "12abc" is not a whole number from 256 to 128000',
    ],
    [{}, { RABBITHOLE_MAX_TOKENS: "8e3" }, 'RABBITHOLE_MAX_TOKENS="8e3" (environment) is not'],
    [{ "max-tokens": "100" }, {}, '--max-tokens "100" is not a whole number from 256 to 128000'],
    [{ "depth-limit": "1.5" }, {}, '--depth-limit "1.5" is not a whole number from 1 to 1000'],
    [{ "depth-limit": "0" }, {}, '--depth-limit "0" is not a whole number from 1 to 1000'],
    [{}, { RABBITHOLE_DEPTH_LIMIT: "-2" }, 'RABBITHOLE_DEPTH_LIMIT="-2" (environment) is not'],
    [{ "max-cost": "-1" }, {}, '--max-cost "-1" is not an amount in USD'],
    [{ "max-cost": "1e3" }, {}, '--max-cost "1e3" is not an amount in USD'],
    [{ "max-cost": "Infinity" }, {}, '--max-cost "Infinity" is not an amount in USD'],
    [{}, { RABBITHOLE_MAX_COST: "$5" }, 'RABBITHOLE_MAX_COST="$5" (environment) is not an amount'],
    [{ model: "claude sonnet" }, {}, '--model "claude sonnet" is not a model id'],
    [{}, { RABBITHOLE_MODEL: "-x" }, 'RABBITHOLE_MODEL="-x" (environment) is not a model id'],
    [{ host: "bad host" }, {}, '--host "bad host" is not a host name or IP address'],
    [{}, { RABBITHOLE_WEB_TOOLS: "maybe" }, 'RABBITHOLE_WEB_TOOLS="maybe" (environment) is not a'],
    [{}, { RABBITHOLE_LOADING_PAGE: "2" }, 'RABBITHOLE_LOADING_PAGE="2" (environment) is not a'],
    [{}, { ANTHROPIC_BASE_URL: "localhost:9" }, 'ANTHROPIC_BASE_URL="localhost:9" (environment)'],
    [{ seed: "  " }, {}, '--seed "  " is empty'],
    [{ offline: "yes" }, {}, "--offline takes no value"],
    [{ port: true }, {}, "--port needs a value"],
    [{ "metrics-port": "8080" }, {}, "--metrics-port 8080 is the site's port too"],
    [{ port: "9100" }, { RABBITHOLE_METRICS_PORT: "9100" }, "--metrics-port 9100 is the site's"],
  ];
  for (const [flags, env, message] of cases) {
    test(message, () => {
      expect(usageError(() => resolve(flags, { ...KEY, ...env })).message).toStartWith(message);
    });
  }

  test("long values are shortened in messages", () => {
    const err = usageError(() => resolve({ port: "9".repeat(200) }));
    expect(err.message.length).toBeLessThan(100);
  });
});

describe("numbers", () => {
  test("accepts the edges of each range", () => {
    expect(resolve({ port: "1" }).port).toBe(1);
    expect(resolve({ port: "65535" }).port).toBe(65535);
    expect(resolve({ port: "0" }).port).toBe(0);
    expect(resolve({}).gracePeriodSec).toBe(25);
    expect(resolve({ "price-input": "2", "price-output": "10" }).prices).toEqual({
      input: 2,
      output: 10,
    });
    expect(resolve({}, { ...KEY, RABBITHOLE_STALL_TIMEOUT: "30" }).stallTimeoutSec).toBe(30);
    expect(resolve({ "grace-period": "3" }).gracePeriodSec).toBe(3);
    expect(resolve({ "max-tokens": "256" }).maxTokens).toBe(256);
    expect(resolve({ "max-tokens": "128000" }).maxTokens).toBe(128000);
    expect(resolve({ "depth-limit": "1" }).depthLimit).toBe(1);
  });

  test("max cost is a non-negative decimal", () => {
    for (const [value, usd] of [
      ["0", 0],
      ["5", 5],
      ["2.50", 2.5],
      [".5", 0.5],
      ["3.", 3],
    ]) {
      expect(resolveMaxCost({ "max-cost": value as string }, {})).toBe(usd as number);
    }
    expect(resolveMaxCost({}, { RABBITHOLE_MAX_COST: "" })).toBeNull();
  });
});

describe("booleans", () => {
  const words: [string, boolean][] = [
    ["1", true],
    ["true", true],
    ["YES", true],
    ["on", true],
    ["0", false],
    ["false", false],
    ["No", false],
    ["off", false],
  ];
  for (const [word, value] of words) {
    test(`RABBITHOLE_WEB_TOOLS=${word} and RABBITHOLE_LOADING_PAGE=${word}`, () => {
      const env = { ...KEY, RABBITHOLE_WEB_TOOLS: word, RABBITHOLE_LOADING_PAGE: word };
      expect(resolve({}, env).webTools).toBe(value);
      expect(resolve({}, env).loadingPage).toBe(value);
    });
  }
});

describe("seed", () => {
  test("is trimmed, from the flag, the file or the environment", () => {
    const path = file("seed.txt", "\ufeff  a site about moths\n\n");
    expect(resolve({ seed: " a site \n" }).seed).toBe("a site");
    expect(resolve({ "seed-file": path }).seed).toBe("a site about moths");
    expect(resolve({}, { ...KEY, RABBITHOLE_SEED_FILE: path }).seed).toBe("a site about moths");
    expect(resolve({}, { ...KEY, RABBITHOLE_SEED: "env seed" }).seed).toBe("env seed");
  });

  test("--seed and --seed-file together are refused", () => {
    const err = usageError(() => resolve({ seed: "x", "seed-file": file("s2.txt", "y") }));
    expect(err.message).toContain("--seed and --seed-file");
  });

  test("RABBITHOLE_SEED and RABBITHOLE_SEED_FILE together are refused", () => {
    const env = { ...KEY, RABBITHOLE_SEED: "x", RABBITHOLE_SEED_FILE: file("s3.txt", "y") };
    expect(usageError(() => resolve({}, env)).message).toContain("RABBITHOLE_SEED and");
  });

  test("a missing, unreadable or empty seed file is named", () => {
    const missing = join(dir, "missing.txt");
    expect(usageError(() => resolve({ "seed-file": missing })).message).toBe(
      `--seed-file ${JSON.stringify(missing)} cannot be read: no such file`,
    );
    expect(usageError(() => resolve({ "seed-file": dir })).message).toContain(
      "cannot be read: it is a directory",
    );
    const empty = file("empty.txt", " \n");
    expect(usageError(() => resolve({ "seed-file": empty })).message).toBe(
      `--seed-file ${JSON.stringify(empty)} is an empty file`,
    );
    const binary = join(dir, "moth.png");
    writeFileSync(binary, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0xff, 0xfe]));
    expect(usageError(() => resolve({ "seed-file": binary })).message).toBe(
      `--seed-file ${JSON.stringify(binary)} is not UTF-8 text (binary bytes in it)`,
    );
    const huge = file("huge.txt", "moths ".repeat(50_000));
    expect(usageError(() => resolve({ "seed-file": huge })).message).toBe(
      `--seed-file ${JSON.stringify(huge)} is larger than 256 KiB, the most a seed may be`,
    );
    // A byte-order mark and CRLF line ends are an editor's, not the seed's.
    const bom = file("bom.txt", "\uFEFFA field guide to moths\r\n");
    expect(resolve({ "seed-file": bom }).seed).toBe("A field guide to moths");
    const env = { ...KEY, RABBITHOLE_SEED_FILE: missing };
    expect(usageError(() => resolve({}, env)).message).toStartWith(
      `RABBITHOLE_SEED_FILE=${JSON.stringify(missing)} (environment) cannot be read`,
    );
  });
});

describe("four-oh-four page", () => {
  test("is read at start-up", () => {
    const html = "<!DOCTYPE html><title>lost</title>";
    expect(resolve({ "four-oh-four": file("404.html", html) }).notFoundHtml).toBe(html);
  });

  test("a missing file is an error naming it", () => {
    const err = usageError(() => resolve({ "four-oh-four": join(dir, "nope.html") }));
    expect(err.message).toContain("nope.html");
    expect(err.message).toStartWith("--four-oh-four");
  });
});

describe("API key", () => {
  test("without a key and without --offline, says how to fix it", () => {
    for (const env of [{}, { ANTHROPIC_API_KEY: "" }, { ANTHROPIC_API_KEY: "  " }]) {
      const err = usageError(() => resolve({}, env));
      expect(err.message).toContain("set ANTHROPIC_API_KEY");
      expect(err.message).toContain("--offline");
    }
  });

  test("--offline needs no key", () => {
    expect(resolve({ offline: true }, {}).apiKey).toBeNull();
  });

  test("the key and base URL are read from the environment, the key trimmed", () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-abc\n", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" };
    const config = resolve({}, env);
    expect(config.apiKey).toBe("sk-ant-abc");
    expect(config.baseURL).toBe("http://127.0.0.1:9");
  });

  test("a bad value never echoes the API key", () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-secret", PORT: "x" };
    expect(usageError(() => resolve({}, env)).message).not.toContain("sk-ant-secret");
  });
});

describe("other values", () => {
  test("an IPv6 host loses its URL brackets", () => {
    expect(resolve({ host: "[::1]" }).host).toBe("::1");
    expect(resolve({ host: "::" }).host).toBe("::");
  });

  test("model ids of every provider spelling are accepted", () => {
    for (const id of ["claude-opus-4-8", "us.anthropic.claude-sonnet-4-6-v1:0", "claude@2025"]) {
      expect(resolve({ model: id }).model).toBe(id);
    }
  });
});
