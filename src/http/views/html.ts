// The one way server pages are written: the `html` template tag escapes every value it is given
// (with Bun.escapeHTML) unless the value is markup this tag made, so a page key, a reason or a
// model name can never become markup by being forgotten.

/** Markup that is safe as it is: made by `html`, or declared so with `trusted`. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return Bun.escapeHTML(text);
}

/** Markup written by this server (a stylesheet, a script, an SVG path): inserted unescaped. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function piece(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(piece).join("");
  if (value === null || value === undefined || value === false || value === true) return "";
  return Bun.escapeHTML(String(value));
}

/** Markup with every value escaped unless it is Html; arrays are joined; null and booleans vanish. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += piece(values[i]) + (strings[i + 1] ?? "");
  return new Html(out);
}
