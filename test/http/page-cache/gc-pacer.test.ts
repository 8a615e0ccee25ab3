// Full collections paced by what cache misses allocate, and never more often than allowed.

import { expect, test } from "bun:test";
import { createGcPacer } from "../../../src/http/page-cache/gc-pacer.ts";

test("collects after enough bytes, at most once per interval", () => {
  let t = 0;
  let collected = 0;
  const pacer = createGcPacer({
    everyBytes: 100,
    minIntervalMs: 50,
    collect: () => collected++,
    now: () => t,
  });
  pacer.allocated(60);
  t = 100;
  expect(collected).toBe(0);
  pacer.allocated(60);
  expect(collected).toBe(1);
  pacer.allocated(500);
  expect(collected).toBe(1); // too soon
  t = 160;
  pacer.allocated(1);
  expect(collected).toBe(2);
  expect(pacer.collections).toBe(2);
});
