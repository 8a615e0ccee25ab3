// The ring cached pages live in: first in, first out, bounded in bytes and in slots.

import { describe, expect, test } from "bun:test";
import { createRing, type Slot } from "../src/http/page-ring.ts";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

function ring(size: number, maxSlots = 100) {
  const evicted: string[] = [];
  const r = createRing<string>(size, maxSlots, (s: Slot<string>) => evicted.push(s.owner));
  return { r, evicted };
}

describe("page ring", () => {
  test("overwrites the oldest first, and says so", () => {
    const { r, evicted } = ring(100);
    const a = r.put(bytes(40, 1), "a") as Slot<string>;
    r.put(bytes(40, 2), "b");
    expect(r.used).toBe(80);
    // 40 more do not fit before the end: the ring wraps and overwrites a.
    const c = r.put(bytes(40, 3), "c") as Slot<string>;
    expect(evicted).toEqual(["a"]);
    expect(a.live).toBe(false);
    expect(c.start).toBe(0);
    expect([...r.view(c)]).toEqual([...bytes(40, 3)]);
    r.put(bytes(40, 4), "d");
    expect(evicted).toEqual(["a", "b"]);
    expect(r.used).toBe(80);
  });

  test("never holds more than its slots, nor what cannot fit", () => {
    const { r, evicted } = ring(1000, 2);
    r.put(bytes(1, 1), "a");
    r.put(bytes(1, 1), "b");
    r.put(bytes(1, 1), "c");
    expect(evicted).toEqual(["a"]);
    expect(r.slots).toBe(2);
    expect(r.put(bytes(1001, 1), "huge")).toBeNull();
  });

  test("freed slots are not reported when overwritten; a view is the bytes, not a copy", () => {
    const { r, evicted } = ring(100);
    const a = r.put(bytes(60, 1), "a") as Slot<string>;
    r.free(a);
    expect(r.used).toBe(0);
    r.put(bytes(60, 2), "b");
    expect(evicted).toEqual([]);
    expect(r.view(a)[0]).toBe(2);
  });

  test("a slot is old once the head is within a quarter of the ring of it", () => {
    const { r } = ring(100);
    const a = r.put(bytes(10, 1), "a") as Slot<string>;
    expect(r.isOld(a)).toBe(false);
    r.put(bytes(70, 2), "b");
    expect(r.isOld(a)).toBe(true);
  });
});
