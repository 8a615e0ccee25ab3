import { describe, expect, test } from "bun:test";
import { Fanout } from "../../src/generate/fanout.ts";

const text = (s: ReadableStream<Uint8Array>) => new Response(s).text();

describe("fanout", () => {
  test("a late reader gets every byte so far, then the rest", async () => {
    const f = new Fanout();
    const early = text(f.reader());
    f.push("one ");
    f.push("two ");
    const late = text(f.reader());
    f.push("three");
    f.close();
    expect(await early).toBe("one two three");
    expect(await late).toBe("one two three");
    expect(await text(f.reader())).toBe("one two three");
  });

  test("the trailer follows the chunks for every reader", async () => {
    const f = new Fanout();
    const r = text(f.reader());
    f.push("<p>half");
    f.close("<p>notice</p>");
    expect(await r).toBe("<p>half<p>notice</p>");
  });

  test("a reader that never reads does not hold back the others", async () => {
    const f = new Fanout();
    const stalled = f.reader().getReader();
    void stalled.read(); // starts pulling, then never reads again
    const other = text(f.reader());
    for (let i = 0; i < 1000; i++) f.push("x".repeat(100));
    f.close();
    expect((await other).length).toBe(100_000);
    expect(f.bytes).toBe(100_000);
  });

  test("started settles on the first byte or on close", async () => {
    const a = new Fanout();
    let settled = false;
    void a.started.then(() => {
      settled = true;
    });
    await Bun.sleep(1);
    expect(settled).toBe(false);
    a.push("x");
    await a.started;
    const b = new Fanout();
    b.close();
    await b.started;
    expect(b.bytes).toBe(0);
  });
});
