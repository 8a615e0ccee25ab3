import { describe, expect, test } from "bun:test";
import { redact, requestJson, str } from "../../src/ops/log.ts";

// The access line skips JSON.stringify for strings that JSON writes as they are: it must write
// exactly what JSON.stringify of the redacted string would, for every string.
describe("the access line's JSON strings", () => {
  const samples = [
    "",
    "/",
    "/wiki/Olympus_Mons",
    "abc123-1x2y",
    "/a b",
    '/say"hi"',
    "/back\\slash",
    "/tab\there",
    "/nl\nthere",
    "/caf\u00e9",
    "/\u{1F600}",
    "/lone\uD800",
    "/del\u007f",
    "/sk-ant-api03-secret_key",
    "sk-ant-",
    "sk-ant",
    "/%22%5C",
  ];
  for (const s of samples) {
    test(JSON.stringify(s), () => {
      expect(str(s)).toBe(JSON.stringify(redact(s)));
    });
  }

  test("every printable ASCII character, alone and in a path", () => {
    for (let c = 0; c < 0x80; c++) {
      const s = String.fromCharCode(c);
      expect(str(s)).toBe(JSON.stringify(s));
      expect(str(`/x${s}y`)).toBe(JSON.stringify(`/x${s}y`));
    }
  });

  test("the whole line still parses, with the key redacted", () => {
    const line = requestJson("2026-11-30T00:00:00.000Z", {
      id: "fly-sk-ant-abc",
      method: "GET",
      path: '/"sk-ant-xyz"',
      status: 200,
      ms: 0.12,
      outcome: "hit",
    });
    const parsed = JSON.parse(line);
    expect(parsed.id).toBe("fly-sk-ant-[redacted]");
    expect(parsed.path).toBe('/"sk-ant-[redacted]"');
    expect(Object.keys(parsed)).toEqual([
      "time",
      "level",
      "msg",
      "id",
      "method",
      "path",
      "status",
      "ms",
      "outcome",
    ]);
  });
});
