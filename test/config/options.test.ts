// The one option table (config/options.ts): every option resolved flag > environment > default,
// and --help built from it names each environment twin and each default.

import { describe, expect, test } from "bun:test";
import { defaultConfig } from "../../src/config/config.ts";
import { helpOf, OPS_OPTIONS, read, SERVE_OPTIONS } from "../../src/config/options.ts";

describe("option table", () => {
  test("the defaults a run without flags or environment gets are the table's", () => {
    const config = defaultConfig();
    expect(config.port).toBe(SERVE_OPTIONS.port.default);
    expect(config.stallTimeoutSec).toBe(SERVE_OPTIONS.stallTimeoutSec.default);
    expect(config.memory).toBe(SERVE_OPTIONS.memory.default);
    expect(config.ops.botPolicy).toBe("cached");
    expect(config.ops.cacheMb).toBe(OPS_OPTIONS.cacheMb.default);
  });

  test("flag beats environment beats default, booleans included", () => {
    const port = SERVE_OPTIONS.port;
    expect(read(port, {}, {})).toBe(8080);
    expect(read(port, {}, { PORT: "9000" })).toBe(9000);
    expect(read(port, { port: "9100" }, { PORT: "9000" })).toBe(9100);
    const tools = SERVE_OPTIONS.webTools;
    expect(read(tools, {}, { RABBITHOLE_WEB_TOOLS: "0" })).toBe(false);
    expect(read(tools, { "web-tools": true }, { RABBITHOLE_WEB_TOOLS: "0" })).toBe(true);
  });

  test("every option's help names its environment twin and its default", () => {
    for (const o of Object.values({ ...SERVE_OPTIONS, ...OPS_OPTIONS })) {
      const help = helpOf(o);
      if (o.env) expect(help).toContain(`env ${o.env}`);
      if (o.shown !== null) expect(help).toContain(`default ${o.shown ?? String(o.default)}`);
    }
    expect(helpOf(SERVE_OPTIONS.port)).toBe("Port to listen on (env PORT, default 8080)");
  });
});
