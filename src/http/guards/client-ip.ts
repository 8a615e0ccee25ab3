// Who is asking: the client's address, which the rate limits, the click-ahead waits and the
// admin's sign-in throttle count by.

/** What Bun.serve tells of a request's socket. */
export interface PeerInfo {
  requestIP?(req: Request): { address: string } | null;
}

/**
 * The client's address. Behind Fly's proxy the socket is the proxy, and the client is in
 * `Fly-Client-IP`, which the proxy sets and overwrites; anywhere else that header is whatever
 * the client chose to send, so it is honoured only when `trustFly` (FLY_APP_NAME is set).
 * A request with the header missing even on Fly (a health check over the private network)
 * falls back to the socket: given as its address, or as the server that can tell it.
 */
export function clientIp(
  req: Request,
  socket: PeerInfo | string | null | undefined,
  trustFly: boolean,
): string {
  if (trustFly) {
    const fly = req.headers.get("fly-client-ip")?.trim();
    if (fly && fly.length <= 64 && /^[0-9A-Fa-f.:]+$/.test(fly)) return fly;
  }
  const address = typeof socket === "string" || !socket ? socket : socket.requestIP?.(req)?.address;
  return address ?? "unknown";
}
