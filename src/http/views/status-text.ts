// The words for each status the server answers with: the eyebrow of its status pages, and the
// title of an error page that has no better one.

export const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "Sign in",
  403: "Refused",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Too large",
  414: "URL too long",
  415: "Unsupported form",
  429: "Too many new pages",
  500: "Server error",
  503: "Unavailable",
};

/** "404 · Not found": the line above a status page's title. */
export function eyebrowOf(status: number): string {
  return `${status} · ${STATUS_TEXT[status] ?? "Error"}`;
}
