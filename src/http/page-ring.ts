// The memory cached pages live in: one buffer, allocated once, written as a ring. Bodies held as
// separate objects (a Response or an ArrayBuffer each) live just long enough to be promoted to
// the GC's old generation and then die there when evicted: under traffic over a site larger
// than the cache, that churn kept ~10× the cache's budget resident before a full collection
// came round. A ring allocates nothing per page but a small slot, and its pages are never
// resident twice. Eviction is first in, first out; the cache gives hot pages a second life by
// writing them again at the head before the ring reaches them (see `isOld`).

export interface Slot<T> {
  start: number;
  length: number;
  /** Whose bytes these are: handed back to the eviction callback. */
  owner: T;
  /** False once freed or evicted: its bytes may be overwritten. */
  live: boolean;
}

/** What a slot costs beside its bytes: the slot object and its owner's bookkeeping. */
export const SLOT_OVERHEAD = 256;

export type Ring<T> = ReturnType<typeof createRing<T>>;

/**
 * A ring of `bytes` for the bodies, and at most `maxSlots` of them. The buffer's pages become
 * resident only when first written: an idle or small site costs what it holds.
 */
export function createRing<T>(bytes: number, maxSlots: number, onEvict: (slot: Slot<T>) => void) {
  const buf = new Uint8Array(Math.max(0, Math.floor(bytes)));
  // Slots in the order they were written, which is also the order of their positions within a
  // lap: the first is always the next to be overwritten.
  let slots: Slot<T>[] = [];
  let first = 0;
  let head = 0;
  let used = 0;
  let live = 0;

  function dropFirst(): void {
    const slot = slots[first] as Slot<T>;
    slots[first++] = undefined as unknown as Slot<T>;
    if (first > 1024 && first * 2 > slots.length) {
      slots = slots.slice(first);
      first = 0;
    }
    if (!slot.live) return;
    slot.live = false;
    used -= slot.length;
    live--;
    onEvict(slot);
  }

  /** The oldest slot still in the ring, live or not. */
  const oldest = () => (first < slots.length ? (slots[first] as Slot<T>) : null);

  return {
    /** Copies `body` in at the head, evicting what it overwrites; null if it can never fit. */
    put(body: Uint8Array, owner: T): Slot<T> | null {
      const length = body.byteLength;
      if (length > buf.byteLength || maxSlots < 1) return null;
      while (slots.length - first >= maxSlots) dropFirst();
      if (head + length > buf.byteLength) {
        // Not enough room before the end: the tail of the buffer stays unused this lap, and
        // the slots still there go now, since the ring's order must stay its position order.
        for (let s = oldest(); s && s.start >= head; s = oldest()) dropFirst();
        head = 0;
      }
      for (let s = oldest(); s && s.start >= head && s.start < head + length; s = oldest()) {
        dropFirst();
      }
      buf.set(body, head);
      const slot = { start: head, length, owner, live: true };
      slots.push(slot);
      head += length;
      used += length;
      live++;
      return slot;
    },
    /** The slot's bytes, not a copy: valid until the ring overwrites them. */
    view(slot: Slot<T>): Uint8Array<ArrayBuffer> {
      return buf.subarray(slot.start, slot.start + slot.length);
    },
    /** Within the quarter of the ring that the head reaches next. */
    isOld(slot: Slot<T>): boolean {
      const ahead = slot.start >= head ? slot.start - head : slot.start + buf.byteLength - head;
      return ahead < buf.byteLength / 4;
    },
    /** Gives the slot's bytes up without calling back (a purge, a page written again). */
    free(slot: Slot<T>): void {
      if (!slot.live) return;
      slot.live = false;
      used -= slot.length;
      live--;
    },
    clear(): void {
      for (let i = first; i < slots.length; i++) (slots[i] as Slot<T>).live = false;
      slots = [];
      first = head = used = live = 0;
    },
    /** Bytes held by live slots. */
    get used() {
      return used;
    },
    /** Live slots. */
    get slots() {
      return live;
    },
  };
}
