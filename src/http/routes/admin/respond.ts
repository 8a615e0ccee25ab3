// Every admin answer goes out through here, so no response can miss its security headers: never
// cached, never framed, no script at all, and only the stylesheets we wrote.

import { ADMIN_CSP } from "../../views/admin/page.ts";
import { escapeHtml, statusPage } from "../../views/layout.ts";

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

export function html(body: string, status = 200, headers: Record<string, string> = {}): Response {
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

const SIGN_IN = `<a class="button primary" href="/__admin/login">Sign in</a>`;

/** A status page in the servers' shared look; `message` is plain text. */
export function problem(
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const eyebrow = `${status} · ${STATUS_TEXT[status] ?? "Error"}`;
  const actions = status === 401 || status === 403 ? SIGN_IN : undefined;
  return html(statusPage({ eyebrow, title, lead: escapeHtml(message), actions }), status, headers);
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request",
  401: "Sign in",
  403: "Refused",
  404: "Not found",
  405: "Method not allowed",
  413: "Too large",
  415: "Unsupported form",
  500: "Server error",
};

export function unauthorized(): Response {
  return problem(
    401,
    "Operators only",
    "This is the site's admin view. Sign in with the admin token to see it.",
    { "www-authenticate": 'Bearer realm="rabbithole admin"' },
  );
}
