// Local models think out loud in their answer: `<think>…</think>` before the page (Qwen 3,
// DeepSeek R1 and their distills, even with thinking off), or only the closing tag when the
// server's chat template already opened the block in the prompt (llama.cpp and vLLM without a
// reasoning parser). None of it is page text: this filter takes it out of a round's text as it
// streams, before the HTML filter and the parser see it, whatever chunk boundaries split a tag.

import { pageStart } from "../contract/parse.ts";

const OPEN = "<think>";
const CLOSE = "</think>";

/** How a round's start is held while thinking may still be closed. */
export interface ThinkHold {
  /** No page text has started yet: hold the text until it does (or a `</think>` comes). */
  lead: boolean;
  /** An earlier round closed thinking it never opened: hold this round until `</think>`. */
  closesAlone: boolean;
}

/**
 * One round's text, thinking removed. A round that may begin the answer holds its text until
 * the page starts (a document, or site memory's content: holding for a doctype would hold a
 * content answer to its end, and nothing of it would stream), since a `</think>` arriving first
 * means all before it was thinking; a held lead costs visitors nothing, the filters drop text
 * before the page anyway. A
 * continuation round of a model known to close thinking it never opened is held until its
 * `</think>` (or its end). Otherwise whole blocks are removed wherever they are and a stray
 * `</think>` alone is dropped: text already streamed cannot be taken back, so thinking that
 * itself writes a doctype before its unopened block closes is the one case this cannot clean.
 */
export class ThinkFilter {
  private pending = ""; // text whose fate a split tag may still change
  private inside = false; // within <think>…
  private held = ""; // the round's start, until it is known not to be thinking
  private hold: "document" | "close" | null;
  private afterThinking = false; // the blank lines after thinking are not page text either
  /** This round closed thinking it never opened (the next round is held for it). */
  closedAlone = false;

  constructor(how: ThinkHold) {
    this.hold = how.closesAlone ? "close" : how.lead ? "document" : null;
  }

  /** Feeds model text; returns what may be passed on now (possibly empty). */
  push(delta: string): string {
    this.pending += delta;
    return this.drain(false);
  }

  /** The round ended: what was held is passed on, an unclosed think block dropped. */
  end(): string {
    return this.drain(true);
  }

  private drain(final: boolean): string {
    let pass = "";
    for (;;) {
      const lower = this.pending.toLowerCase();
      if (this.inside) {
        const close = lower.indexOf(CLOSE);
        if (close === -1) {
          // Only a tag split across chunks is kept: the thinking itself can be long.
          this.pending = final ? "" : this.pending.slice(-(CLOSE.length - 1));
          break;
        }
        this.pending = this.pending.slice(close + CLOSE.length);
        this.inside = false;
        this.afterThinking = true;
        continue;
      }
      if (this.afterThinking) {
        const rest = this.pending.trimStart();
        if (rest === "" && !final) break;
        this.pending = rest;
        this.afterThinking = false;
        continue;
      }
      const open = lower.indexOf(OPEN);
      const close = lower.indexOf(CLOSE);
      if (open === -1 && close === -1) {
        const keep = final ? 0 : partialTag(lower);
        pass += this.pending.slice(0, this.pending.length - keep);
        this.pending = this.pending.slice(this.pending.length - keep);
        break;
      }
      if (close !== -1 && (open === -1 || close < open)) {
        // A closing tag without its opening: in a held start, all before it was thinking.
        this.closedAlone = true;
        if (this.hold !== null) {
          this.held = "";
          pass = "";
          this.hold = null;
        } else {
          pass += this.pending.slice(0, close);
        }
        this.pending = this.pending.slice(close + CLOSE.length);
        this.afterThinking = true;
        continue;
      }
      pass += this.pending.slice(0, open);
      this.pending = this.pending.slice(open + OPEN.length);
      this.inside = true;
    }
    if (this.hold === null) return pass;
    this.held += pass;
    if (!final && (this.hold === "close" || pageStart(this.held) === -1)) return "";
    this.hold = null;
    const out = this.held;
    this.held = "";
    return out;
  }
}

/** Length of the longest end of `lower` that could begin either tag. */
function partialTag(lower: string): number {
  for (let n = Math.min(CLOSE.length - 1, lower.length); n > 0; n--) {
    const tail = lower.slice(-n);
    if (OPEN.startsWith(tail) || CLOSE.startsWith(tail)) return n;
  }
  return 0;
}
