// The bounded map cached pages live in: a byte budget over entries of known size, evicting the
// least recently used first. A hit costs one Map lookup and one flag write: entries are not
// moved on every read (a delete and an insert per hit, at tens of thousands of hits a second)
// but given a second chance when eviction reaches them (the CLOCK approximation of LRU): an
// entry read since it was last inserted goes back to the young end instead of out.

interface Node<V> {
  value: V;
  bytes: number;
  /** Read since it was (re)inserted: survives the next eviction pass that reaches it. */
  used: boolean;
}

/** At most `maxBytes` of entries. */
export function createLru<V>(maxBytes: number) {
  // A Map iterates in insertion order: its first entry is the oldest.
  const nodes = new Map<string, Node<V>>();
  let bytes = 0;

  /** Evicts until `need` more bytes fit. */
  function makeRoom(need: number): void {
    while (bytes + need > maxBytes && nodes.size > 0) {
      const [key, node] = nodes.entries().next().value as [string, Node<V>];
      nodes.delete(key);
      if (node.used) {
        node.used = false;
        nodes.set(key, node);
        continue;
      }
      bytes -= node.bytes;
    }
  }

  return {
    /** Whether `key` is held, without marking it as read. */
    has(key: string): boolean {
      return nodes.has(key);
    },
    /** The value, marked as read. */
    get(key: string): V | undefined {
      const node = nodes.get(key);
      if (node === undefined) return undefined;
      node.used = true;
      return node.value;
    },
    /**
     * Holds `value` as `bytes` (replacing what `key` held), evicting others to make room; false,
     * holding nothing for `key`, when it could never fit.
     */
    set(key: string, value: V, size: number): boolean {
      const old = nodes.get(key);
      if (old) {
        nodes.delete(key);
        bytes -= old.bytes;
      }
      if (size > maxBytes) return false;
      makeRoom(size);
      nodes.set(key, { value, bytes: size, used: false });
      bytes += size;
      return true;
    },
    delete(key: string): V | undefined {
      const node = nodes.get(key);
      if (!node) return undefined;
      nodes.delete(key);
      bytes -= node.bytes;
      return node.value;
    },
    clear(): void {
      nodes.clear();
      bytes = 0;
    },
    get size() {
      return nodes.size;
    },
    /** The sum of the sizes held. */
    get bytes() {
      return bytes;
    },
  };
}
