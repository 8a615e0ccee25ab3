import { MAPPINGS_DELIMITER, streamStart } from "./parse.ts";

const DOC_END = "</html>";

/**
 * Turns the model's raw output, as it streams, into the bytes a browser may see: the preamble
 * before `<!DOCTYPE` or a root `<html` tag (parse.ts's streamStart; fences included) is
 * dropped, and nothing from the mappings delimiter on ever leaves. Text after the latest
 * `</html>` is held back until more HTML proves it is page text, so a closing fence or the
 * delimiter never reaches the visitor; what is emitted is then the same document the parser
 * stores. A page whose start only the whole text reveals emits nothing: it is served once
 * stored. Each push scans only the new text.
 */
export function createHtmlFilter() {
  let raw = "";
  let started = false;
  let stopped = false;
  let emitted = 0; // raw[0, emitted) has been released
  let docEnd = -1; // index just after the latest `</html>`

  function release(scanFrom: number): string {
    let delim = raw.indexOf(MAPPINGS_DELIMITER, Math.max(0, scanFrom - MAPPINGS_DELIMITER.length));
    const searchEnd = delim === -1 ? raw.length : delim;
    const tail = raw.slice(Math.max(0, scanFrom - DOC_END.length), searchEnd).toLowerCase();
    const i = tail.lastIndexOf(DOC_END);
    if (i !== -1) docEnd = Math.max(0, scanFrom - DOC_END.length) + i + DOC_END.length;
    // As in the parser, a delimiter before any `</html>` is page text, not the mappings' start.
    if (docEnd === -1) delim = -1;
    let limit: number;
    if (delim !== -1) {
      stopped = true;
      limit = Math.max(docEnd, emitted);
    } else {
      limit = docEnd > emitted ? docEnd : raw.length - partialSuffix(raw, MAPPINGS_DELIMITER);
      if (docEnd !== -1 && docEnd <= emitted) limit = emitted;
    }
    if (limit <= emitted) return "";
    const out = raw.slice(emitted, limit);
    emitted = limit;
    return out;
  }

  return {
    /** Feeds model text; returns the part that may be sent now (possibly empty). */
    push(delta: string): string {
      if (stopped || delta === "") return "";
      const before = raw.length;
      raw += delta;
      if (!started) {
        const start = streamStart(raw);
        if (start === -1) return "";
        raw = raw.slice(start);
        started = true;
        return release(0);
      }
      return release(before);
    },
    /** The document released so far. */
    get text(): string {
      return raw.slice(0, emitted);
    },
  };
}

/** Length of the longest suffix of `text` that is a proper prefix of `word`. */
function partialSuffix(text: string, word: string): number {
  for (let n = Math.min(word.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(word.slice(0, n))) return n;
  }
  return 0;
}
