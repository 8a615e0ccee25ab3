// Every admin answer goes out through here, so no response can miss its security headers: never
// cached, never framed, no script at all, and only the stylesheets we wrote.

import { ADMIN_CSP } from "../../views/admin/page.ts";
import { html } from "../../views/html.ts";
import { statusPage } from "../../views/layout.ts";
import { eyebrowOf } from "../../views/status-text.ts";

const SECURITY_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "content-security-policy": ADMIN_CSP,
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
};

/** Adds the admin's security headers to any response, ours or one built elsewhere. */
export function secured(res: Response): Response {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.headers.set(name, value);
  return res;
}

export function htmlPage(
  body: string,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", ...headers },
  });
}

export function json(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    headers: { "content-type": "application/json" },
  });
}

/** 303: after a POST the browser GETs the target, so a reload never repeats the action. */
export function seeOther(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, ...headers } });
}

const SIGN_IN = html`<a class="button primary" href="/__admin/login">Sign in</a>`;

/** A status page in the servers' shared look; `message` is plain text. */
export function problem(
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const eyebrow = eyebrowOf(status);
  const actions = status === 401 || status === 403 ? SIGN_IN : undefined;
  const page = statusPage({ eyebrow, title, lead: html`${message}`, actions });
  return htmlPage(page, status, headers);
}

export function unauthorized(): Response {
  return problem(
    401,
    "Operators only",
    "This is the site's admin view. Sign in with the admin token to see it.",
    { "www-authenticate": 'Bearer realm="rabbithole admin"' },
  );
}
