// What a LiteFS replica answers for a request only the primary can serve (DESIGN.md, Cluster).

/**
 * The answer a replica gives to a request only the primary can serve. Fly replays it there;
 * a request that was already replayed once is not bounced again (no loops), and with no
 * primary known (`host` empty) there is nowhere to send it yet.
 */
export function replayResponse(req: Request, host: string): Response {
  if (req.headers.has("fly-replay-src") || !host) {
    return new Response("The primary is moving; try again in a moment.\n", {
      status: 503,
      headers: { "retry-after": "1", "content-type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(null, {
    status: 409,
    headers: { "fly-replay": `instance=${host}`, "cache-control": "no-store" },
  });
}
