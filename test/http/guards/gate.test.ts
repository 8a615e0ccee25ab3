import { describe, expect, test } from "bun:test";
import { createGate, type Timers } from "../../../src/http/guards/gate.ts";

/** Timers that fire only when the test says so. */
function manualTimers() {
  let t = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = next++;
      pending.set(id, { at: t + ms, fn });
      return id;
    },
    clearTimeout(h) {
      pending.delete(h as number);
    },
  };
  return {
    timers,
    pending: () => pending.size,
    advance(ms: number) {
      t += ms;
      for (const [id, p] of [...pending]) {
        if (p.at <= t) {
          pending.delete(id);
          p.fn();
        }
      }
    },
  };
}

describe("generation gate", () => {
  test("admits up to max at once, queues a few, refuses beyond", async () => {
    const t = manualTimers();
    const gate = createGate({ max: 2, queue: 1, queueTimeoutMs: 5_000, clock: t.timers });
    const a = await gate.acquire();
    const b = await gate.acquire();
    expect(a).toBeFunction();
    expect(b).toBeFunction();
    expect(gate.active).toBe(2);
    const waiting = gate.acquire();
    expect(gate.queued).toBe(1);
    expect(await gate.acquire()).toBeNull(); // the queue is full
    a?.();
    const c = await waiting;
    expect(c).toBeFunction();
    expect(gate.active).toBe(2);
    expect(gate.queued).toBe(0);
    expect(t.pending()).toBe(0); // its timeout was cleared
  });

  test("a waiter is refused when its wait times out", async () => {
    const t = manualTimers();
    const gate = createGate({ max: 1, queue: 2, queueTimeoutMs: 1_000, clock: t.timers });
    const a = await gate.acquire();
    const waiting = gate.acquire();
    t.advance(999);
    expect(gate.queued).toBe(1);
    t.advance(1);
    expect(await waiting).toBeNull();
    expect(gate.queued).toBe(0);
    expect(gate.active).toBe(1);
    a?.();
    expect(gate.active).toBe(0);
  });

  test("release is idempotent: a double release frees one slot, not two", async () => {
    const gate = createGate({ max: 1, queue: 0, queueTimeoutMs: 1_000 });
    const a = await gate.acquire();
    a?.();
    a?.();
    expect(gate.active).toBe(0);
    const b = await gate.acquire();
    expect(b).toBeFunction();
    expect(await gate.acquire()).toBeNull();
    a?.(); // a stale release must not free b's slot
    expect(gate.active).toBe(1);
    b?.();
    expect(gate.active).toBe(0);
  });

  test("waiters are served in order, and a visitor who leaves leaves the queue", async () => {
    const t = manualTimers();
    const gate = createGate({ max: 1, queue: 3, queueTimeoutMs: 60_000, clock: t.timers });
    const first = await gate.acquire();
    const order: string[] = [];
    const left = new AbortController();
    const noting = (name: string) => (r: (() => void) | null) => {
      order.push(r ? name : `${name} gone`);
      return r;
    };
    const w1 = gate.acquire().then(noting("w1"));
    const w2 = gate.acquire(left.signal).then(noting("w2"));
    const w3 = gate.acquire().then(noting("w3"));
    left.abort();
    expect(await w2).toBeNull();
    expect(gate.queued).toBe(2);
    first?.();
    (await w1)?.();
    (await w3)?.();
    expect(order).toEqual(["w2 gone", "w1", "w3"]);
    expect(gate.active).toBe(0);
    expect(t.pending()).toBe(0);
    expect(await gate.acquire(AbortSignal.abort())).toBeNull();
  });

  test("real timers: a short queue timeout refuses", async () => {
    const gate = createGate({ max: 1, queue: 1, queueTimeoutMs: 10 });
    const a = await gate.acquire();
    expect(await gate.acquire()).toBeNull();
    a?.();
  });
});
