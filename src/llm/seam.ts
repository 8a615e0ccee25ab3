// Joins a continuation to the page it continues. A model asked (in a user turn) to go on where
// its answer stopped usually starts at the next character, but may first repeat the end of what
// it wrote (the last line or tag, or even the whole answer), open a code fence, or skip a
// little. What the visitor already has cannot be taken back, so the start of the continuation
// is held back until it is clear how much of it repeats the page, and only the rest is let
// through: the live page and the stored page stay one clean document.

/** How far back a repeat is looked for: a few lines of HTML (a whole restart is checked apart). */
const TAIL_CHARS = 4000;
/**
 * A shorter match is taken for chance (`<`, `">`, the "o" of "bo|ok") unless it starts a word
 * the page was cut in. Four characters already make a word or a closing tag, which written
 * twice at the seam would be a visible fault anyway.
 */
const MIN_REPEAT = 4;
/** A fence or "Here is the rest:" line the model may put first. */
const PREAMBLE = /^\s*(?:```[a-z]*[ \t]*\n|(?:here|continu)[^\n<]*:[ \t]*\n)/i;
const WORD = /[\p{L}\p{N}_]/u;
/** How long a first line may be and still be held as a possible preamble. */
const PREAMBLE_CHARS = 80;

export class Seam {
  private readonly tail: string;
  private held = "";
  private decided = false;

  /** `page` is the text written so far (what visitors have). */
  constructor(private readonly page: string) {
    this.tail = page.slice(-TAIL_CHARS);
  }

  /** Takes a piece of the continuation; returns what may be sent on (maybe nothing yet). */
  push(delta: string): string {
    if (this.decided) return delta;
    this.held += delta;
    const text = this.held.replace(PREAMBLE, "");
    // Still possibly a repeat under way, or a preamble being written: wait for more.
    if (this.mayRepeat(text) || (text === this.held && this.mayBePreamble(text))) return "";
    return this.decide(text);
  }

  /** The continuation ended: whatever is still held goes out, minus any repeat. */
  end(): string {
    if (this.decided) return "";
    return this.decide(this.held.replace(PREAMBLE, ""));
  }

  private decide(text: string): string {
    this.decided = true;
    return text.slice(this.repeatLength(text));
  }

  /** True while `text` could still be the start of a repeat longer than what it shows. */
  private mayRepeat(text: string): boolean {
    if (text.length === 0) return true;
    if (this.page.startsWith(text) && text.length < this.page.length) return true;
    let at = this.tail.indexOf(text);
    while (at !== -1) {
      if (this.tail.length - at > text.length) return true;
      at = this.tail.indexOf(text, at + 1);
    }
    return false;
  }

  /** True while `text` could still become a fence or a "Here is the rest:" line. */
  private mayBePreamble(text: string): boolean {
    const t = text.trimStart().toLowerCase();
    if (t.length > PREAMBLE_CHARS || t.includes("\n") || t.includes("<")) return false;
    return ["```", "here", "continu"].some((w) => w.startsWith(t) || t.startsWith(w));
  }

  /** How many leading characters of `text` repeat the page: its end, or the whole of it. */
  private repeatLength(text: string): number {
    if (text.startsWith(this.page)) return this.page.length;
    const most = Math.min(text.length, this.tail.length);
    for (let n = most; n >= 1; n--) {
      if (!this.tail.endsWith(text.slice(0, n))) continue;
      if (n >= MIN_REPEAT || this.rewritesCutWord(n)) return n;
    }
    return 0;
  }

  // A page cut inside a word ("and De") is often continued with the whole word ("Deimos"): a
  // short match counts when it starts a word of the page. Inside a word it is chance: "bo" and
  // "ok", "bana" and "na" must stay "book" and "banana".
  private rewritesCutWord(n: number): boolean {
    const before = this.tail.at(-n - 1) ?? " ";
    return WORD.test(this.tail.at(-n) ?? "") && !WORD.test(before);
  }
}
