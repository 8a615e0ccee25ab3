// The map cached pages live in: bounded in bytes, least recently used out first.

import { describe, expect, test } from "bun:test";
import { createLru } from "../../../src/http/page-cache/lru.ts";

function lru(maxBytes: number) {
  const l = createLru<string>(maxBytes);
  const held = () => ["a", "b", "c"].filter((k) => l.get(k) !== undefined);
  return { l, held };
}

describe("page LRU", () => {
  test("never holds more than its budget; the oldest unread go first", () => {
    const { l, held } = lru(100);
    l.set("a", "A", 40);
    l.set("b", "B", 40);
    expect(l.bytes).toBe(80);
    l.set("c", "C", 40);
    expect(held()).toEqual(["b", "c"]);
    expect(l.bytes).toBe(80);
    expect(l.size).toBe(2);
  });

  test("an entry read since it was inserted outlives the unread ones", () => {
    const { l, held } = lru(100);
    l.set("a", "A", 40);
    l.set("b", "B", 40);
    expect(l.get("a")).toBe("A");
    l.set("c", "C", 40);
    expect(held()).toEqual(["a", "c"]);
  });

  test("has() looks without reading: a polled entry still goes first", () => {
    const { l, held } = lru(100);
    l.set("a", "A", 40);
    l.set("b", "B", 40);
    expect(l.has("a")).toBe(true);
    expect(l.has("z")).toBe(false);
    l.set("c", "C", 40);
    expect(held()).toEqual(["b", "c"]);
  });

  test("what can never fit is refused, and replacing a key counts its new size only", () => {
    const { l } = lru(100);
    expect(l.set("huge", "H", 101)).toBe(false);
    expect(l.size).toBe(0);
    l.set("a", "A", 30);
    l.set("a", "A2", 60);
    expect(l.bytes).toBe(60);
    expect(l.get("a")).toBe("A2");
  });

  test("a delete frees its bytes; clear frees all", () => {
    const { l } = lru(100);
    l.set("a", "A", 50);
    expect(l.delete("a")).toBe("A");
    expect(l.delete("a")).toBeUndefined();
    expect(l.bytes).toBe(0);
    l.set("b", "B", 100);
    expect(l.bytes).toBe(100);
    l.clear();
    expect(l.size).toBe(0);
    expect(l.bytes).toBe(0);
  });
});
