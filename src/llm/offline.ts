// The --offline generator: no API key, no cost, no randomness. It writes placeholder pages in
// the exact output format a model must produce, so the whole server (streaming, parsing,
// mappings, depth limit, cache) can be run and tested without spending anything.

import { readMemoryPrompt } from "../contract/memory-prompt.ts";
import type { GenerateRequest, GenerateResult, LlmClient } from "../core/types.ts";
import { ZERO_USAGE } from "../core/types.ts";
import { writeOfflineMemoryPage } from "./offline-memory.ts";
import { writeOfflinePage } from "./offline-page.ts";

export interface OfflineOptions {
  /** Pause between ~40-character chunks, so the live stream looks like a model writing. */
  chunkDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const CHUNK_CHARS = 40;
// A long page must not take longer than a real model would feel, whatever the chunk delay.
const MAX_STREAM_MS = 2000;

export function createOfflineClient(opts: OfflineOptions = {}): LlmClient {
  const delay = opts.chunkDelayMs ?? 15;
  const sleep = opts.sleep ?? ((ms: number) => Bun.sleep(ms));
  return {
    model: "offline",
    provider: "offline",
    free: true,
    async generate(req: GenerateRequest): Promise<GenerateResult> {
      req.signal?.throwIfAborted();
      // Site memory's prompts get its contract: content into the shell, canon, the bible.
      const text = readMemoryPrompt(req.prompt)
        ? writeOfflineMemoryPage(req.prompt, req.bible)
        : writeOfflinePage(req.prompt);
      const chunks = Math.ceil(text.length / CHUNK_CHARS);
      const pause = Math.min(delay, Math.floor(MAX_STREAM_MS / chunks));
      for (let i = 0; i < text.length; i += CHUNK_CHARS) {
        if (i > 0 && pause > 0) await sleep(pause);
        req.signal?.throwIfAborted();
        req.onText?.(text.slice(i, i + CHUNK_CHARS));
      }
      return {
        text,
        stopReason: "end_turn",
        usage: { ...ZERO_USAGE },
        model: "offline",
        rounds: 1,
      };
    },
  };
}
