// Small constructors for the responses the app sends, so headers stay consistent.

const HTML = "text/html; charset=utf-8";

export function htmlResponse(
  body: string | ReadableStream<Uint8Array> | null,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, {
    status,
    headers: { "content-type": HTML, "cache-control": "no-store", ...headers },
  });
}

export function jsonResponse(
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  });
}

/**
 * HEAD gets the same status and headers as GET, without the body: its Content-Length is the
 * size GET would send (a bodiless Response would say 0). HEAD never streams a page being
 * written, so the body is whole and small.
 */
export async function withoutBody(res: Response): Promise<Response> {
  const size = (await res.arrayBuffer()).byteLength;
  const headers = new Headers(res.headers);
  headers.set("content-length", String(size));
  return new Response(null, { status: res.status, headers });
}

/**
 * The path exactly as the client sent it (no WHATWG normalisation, which would resolve dot
 * segments and re-encode before our own canonical form could see the original).
 */
export function rawPath(url: string): string {
  const scheme = url.indexOf("://");
  const start = scheme === -1 ? 0 : url.indexOf("/", scheme + 3);
  if (start === -1) return "/";
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  return url.slice(start, end);
}
