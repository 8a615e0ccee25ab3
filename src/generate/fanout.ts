const encoder = new TextEncoder();

/**
 * One in-flight page's bytes, shared by every visitor watching it. Chunks are kept once, whatever
 * the number of readers, and each reader pulls at its own pace: a slow or stalled reader only
 * holds its own position, never the generation or the other readers.
 */
export class Fanout {
  private readonly chunks: Uint8Array[] = [];
  private closed = false;
  private trailer: Uint8Array | null = null;
  private wake: (() => void)[] = [];
  private markStarted!: () => void;
  bytes = 0;
  /** Settles at the first byte or at close, whichever comes first. */
  readonly started = new Promise<void>((resolve) => {
    this.markStarted = resolve;
  });

  push(text: string): void {
    if (this.closed || text === "") return;
    const chunk = encoder.encode(text);
    this.chunks.push(chunk);
    this.bytes += chunk.byteLength;
    this.notify();
  }

  /** Ends the stream; `trailer` (e.g. a failure notice) goes to every reader after the chunks. */
  close(trailer?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (trailer) this.trailer = encoder.encode(trailer);
    this.notify();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A new reader: it first gets every byte sent so far, then the rest live. */
  reader(): ReadableStream<Uint8Array> {
    let index = 0;
    let trailerSent = false;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          while (index >= this.chunks.length && !this.closed) {
            await new Promise<void>((resolve) => this.wake.push(resolve));
          }
          if (index < this.chunks.length) {
            // Hand over everything pending at once: fewer, larger writes for readers behind.
            const pending = this.chunks.slice(index);
            index = this.chunks.length;
            controller.enqueue(pending.length === 1 ? (pending[0] as Uint8Array) : concat(pending));
            return;
          }
          if (this.trailer && !trailerSent) {
            trailerSent = true;
            controller.enqueue(this.trailer);
            return;
          }
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
  }

  private notify(): void {
    this.markStarted();
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
