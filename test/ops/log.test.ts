import { describe, expect, test } from "bun:test";
import { UsageError } from "../../src/core/errors.ts";
import { createLogger, type LoggerOptions, parseLevel } from "../../src/ops/log.ts";

function capture(opts: LoggerOptions = {}) {
  const lines: { line: string; isError: boolean }[] = [];
  const logger = createLogger({
    format: "json",
    env: {},
    ...opts,
    write: (line, isError) => lines.push({ line, isError }),
  });
  return { logger, lines, json: () => lines.map((l) => JSON.parse(l.line)) };
}

describe("JSON lines", () => {
  test("one object per line: time, level, msg, then the fields of a trailing object", () => {
    const { logger, json } = capture();
    logger.info("generated", { key: "/a", ms: 12 });
    const [entry] = json();
    expect(entry).toEqual({
      time: expect.any(String),
      level: "info",
      msg: "generated",
      key: "/a",
      ms: 12,
    });
    expect(new Date(entry.time).toISOString()).toBe(entry.time);
  });

  test("repeated lines are all written, never collapsed", () => {
    const { logger, lines } = capture();
    for (let i = 0; i < 20; i++) logger.info("same");
    expect(lines).toHaveLength(20);
  });

  test("errors keep their message and stack, on stderr", () => {
    const { logger, lines, json } = capture();
    logger.error("generation failed", new Error("upstream 529"), { key: "/x" });
    expect(lines[0]?.isError).toBe(true);
    expect(lines[0]?.line).not.toContain("\n");
    expect(json()[0]).toMatchObject({ msg: "generation failed upstream 529", key: "/x" });
    expect(json()[0].stack).toContain("upstream 529");
  });

  test("fields cannot overwrite time, level or msg", () => {
    const { logger, json } = capture();
    logger.warn("x", { msg: "y", level: "z" });
    expect(json()[0]).toMatchObject({ level: "warn", msg: "x", _msg: "y", _level: "z" });
  });
});

describe("secrets", () => {
  test("anything shaped like an Anthropic key is redacted, wherever it is", () => {
    const { logger, lines } = capture();
    logger.info("key sk-ant-api03-AbC_d-9", { apiKey: "whatever", nested: { k: "sk-ant-x1" } });
    logger.error(new Error("bad key sk-ant-api03-zzz"));
    const all = lines.map((l) => l.line).join("\n");
    expect(all).not.toMatch(/sk-ant-(?!\[redacted\])/);
    expect(all).not.toContain("whatever");
  });

  test("pretty lines are redacted too", () => {
    const { logger, lines } = capture({ format: "pretty" });
    logger.info("using", { key: "sk-ant-api03-secret" });
    expect(lines[0]?.line).toContain("sk-ant-[redacted]");
    expect(lines[0]?.line).not.toContain("secret");
  });
});

describe("levels", () => {
  test("info by default: debug is dropped", () => {
    const { logger, lines } = capture();
    logger.debug("hidden");
    logger.info("shown");
    expect(lines.map((l) => l.line)).toEqual([expect.stringContaining("shown")]);
  });

  test("CONSOLA_LEVEL by name or number; an explicit level wins", () => {
    const debug = capture({ env: { CONSOLA_LEVEL: "debug" } });
    debug.logger.debug("seen");
    expect(debug.lines).toHaveLength(1);
    const quiet = capture({ env: { CONSOLA_LEVEL: "1" } });
    quiet.logger.info("dropped");
    quiet.logger.warn("kept");
    expect(quiet.lines).toHaveLength(1);
    const explicit = capture({ level: "error", env: { CONSOLA_LEVEL: "debug" } });
    explicit.logger.warn("dropped");
    expect(explicit.lines).toHaveLength(0);
  });

  test("an unknown level is a usage error naming it", () => {
    expect(() => parseLevel(undefined, "loud")).toThrow(UsageError);
    expect(() => parseLevel(undefined, "loud")).toThrow('CONSOLA_LEVEL="loud" (environment)');
    expect(parseLevel(undefined, undefined)).toBe(3);
  });
});

describe("the access line's fast path", () => {
  const line = {
    id: "ab12cd-1f",
    method: "GET",
    path: "/planets/mars.html",
    status: 200,
    ms: 0.12,
    outcome: "hit",
  };

  test("the same line, key for key and in order, as info('request', fields)", () => {
    const fast = capture();
    const generic = capture();
    fast.logger.request?.(line);
    generic.logger.info("request", line);
    const [a] = fast.json();
    const [b] = generic.json();
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect({ ...a, time: "" }).toEqual({ ...b, time: "" });
    expect(Object.keys(a)).toEqual(["time", "level", "msg", ...Object.keys(line)]);
    expect(new Date(a.time).toISOString()).toBe(a.time);
    expect(fast.lines[0]?.isError).toBe(false);
  });

  test("a path with quotes, backslashes or control characters stays one valid JSON line", () => {
    const { logger, lines, json } = capture();
    const path = '/a"b\\c\n\r\t\u0000\u001f\u2028é';
    const method = 'PO"ST';
    logger.request?.({ ...line, path, method, id: 'x"y' });
    expect(lines[0]?.line).not.toContain("\n");
    expect(json()[0]).toMatchObject({ path, method, id: 'x"y' });
  });

  test("secrets in the path are redacted", () => {
    const { logger, lines } = capture();
    logger.request?.({ ...line, path: "/sk-ant-api03-AbC_d-9" });
    expect(lines[0]?.line).toContain("sk-ant-[redacted]");
    expect(lines[0]?.line).not.toContain("AbC_d");
  });

  test("below info nothing is written; a level set at run time is honoured", () => {
    const quiet = capture({ level: "warn" });
    quiet.logger.request?.(line);
    expect(quiet.lines).toHaveLength(0);
    const { logger, lines } = capture();
    (logger as unknown as { level: number }).level = 1;
    logger.request?.(line);
    expect(lines).toHaveLength(0);
  });

  test("pretty lines are the generic ones", () => {
    const fast = capture({ format: "pretty" });
    const generic = capture({ format: "pretty" });
    fast.logger.request?.(line);
    generic.logger.info("request", line);
    const strip = (s = "") => s.slice(9);
    expect(strip(fast.lines[0]?.line)).toBe(strip(generic.lines[0]?.line));
    expect(fast.lines[0]?.line).toContain("path=/planets/mars.html status=200");
  });
});
