// Cross-site protection for the admin's POSTs, in layers: SameSite=Strict keeps the cookie off
// cross-site requests, the Origin check refuses them even if a browser sent it, and the CSRF
// token in each form is something only a page that could read the dashboard would know.

import { HttpError } from "../../../core/errors.ts";

// Forms here carry a key and a token; anything bigger is not one of ours.
const MAX_FORM_BYTES = 16 * 1024;

/** Why a browser request is not same-origin, or null when it is. */
export function crossSite(req: Request): string | null {
  // Browsers set Sec-Fetch-Site themselves; pages cannot forge it.
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return `Sec-Fetch-Site is ${site}`;
  const host = req.headers.get("host") ?? new URL(req.url).host;
  const origin = req.headers.get("origin");
  if (origin !== null) {
    // A sandboxed page (a generated one) has an opaque origin and sends "null".
    return hostOf(origin) === host.toLowerCase() ? null : `Origin ${origin} is not ${host}`;
  }
  const referer = req.headers.get("referer");
  if (referer !== null) {
    return hostOf(referer) === host.toLowerCase() ? null : "Referer is another site";
  }
  return "neither Origin nor Referer was sent";
}

function hostOf(url: string): string | null {
  try {
    // Only the host: behind Fly's proxy our own URL says http while the browser says https.
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** A urlencoded form body, read with a size bound (a chunked body has no Content-Length). */
export async function readForm(req: Request): Promise<URLSearchParams> {
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (req.body === null) return new URLSearchParams();
  if (type !== "application/x-www-form-urlencoded") {
    throw new HttpError(415, "Send the form as application/x-www-form-urlencoded.");
  }
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_FORM_BYTES) throw tooLarge();
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_FORM_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(value);
  }
  return new URLSearchParams(Buffer.concat(parts).toString("utf8"));
}

function tooLarge(): HttpError {
  return new HttpError(413, "That form is larger than any form this page sends.");
}
