// The live stream of a page written into the shell: the shell's head and header were sent
// before the model's first token (`prefix`), then the model's content streams as it comes.
// The same guarantees as html-filter.ts: no preamble, never the mappings (nor the
// canon or bible after them). Text is released up to its latest `>`, so a closing fence or a
// delimiter still being written never reaches the visitor, and the content's <title> (the
// head already has one) is left out. A whole-document answer streams nothing here: its
// content is sent, at the end, by `rest`.

import { contentStart } from "./parse.ts";

const DELIMITER = /\n[ \t]*---(?:MAPPINGS|CANON|BIBLE)---/;

export function createContentFilter(prefix: string) {
  let raw = "";
  let started = false;
  let document = false;
  let stopped = false;
  let emitted = 0;
  let released = "";

  return {
    /** Feeds model text; returns the part that may be sent now (possibly empty). */
    push(delta: string): string {
      if (stopped || document || delta === "") return "";
      raw += delta;
      if (!started) {
        const start = contentStart(raw);
        if (!start) return "";
        started = true;
        document = start.document;
        raw = raw.slice(start.index);
        if (document) return "";
      }
      const delim = DELIMITER.exec(raw.slice(Math.max(0, emitted - 20)));
      const end = delim ? Math.max(0, emitted - 20) + delim.index : raw.length;
      if (delim) stopped = true;
      let limit = raw.lastIndexOf(">", end - 1) + 1;
      // An unfinished <title> waits for its end tag; a whole one is dropped below.
      const title = raw.slice(emitted, limit).search(/<title\b/i);
      if (title !== -1) {
        const close = /<\/title\s*>/i.exec(raw.slice(emitted + title));
        if (!close || emitted + title + close.index + close[0].length > limit)
          limit = emitted + title;
      }
      if (limit <= emitted) return "";
      let out = raw.slice(emitted, limit).replace(/<title\b[^>]*>[\s\S]*?<\/title\s*>\s*/gi, "");
      // The content starts on the line after the header, as in the stored page (shell.ts).
      if (released === "") out = out.trimStart();
      emitted = limit;
      released += out;
      return out;
    },
    /** Whether any content reached the stream (a whole-document answer sends none live). */
    get streamedContent(): boolean {
      return released.trim() !== "";
    },
    /** Everything visitors were sent: the shell's prefix and the content so far. */
    get text(): string {
      return prefix + released;
    },
  };
}
