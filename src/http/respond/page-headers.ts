// The headers every generated page is sent with, built once at start-up.

/**
 * The Content-Security-Policy every generated page carries. A sandbox without
 * allow-same-origin gives the page an opaque origin: its requests to /__admin are cross-site
 * (the SameSite=Strict session cookie stays home, Origin is "null") and it cannot read the
 * answers, so a page the model wrote cannot act with its visitor's admin session.
 */
export const GENERATED_PAGE_SANDBOX =
  "sandbox allow-scripts allow-forms allow-popups allow-popups-to-escape-sandbox " +
  "allow-top-navigation-by-user-activation";

/**
 * Generated pages always run sandboxed in an opaque origin: their scripts could otherwise use
 * the operator's admin session. Always, not only while the admin view is on: a tab opened before
 * the operator turned it on keeps running in the site's origin and could take over the session
 * once the operator signs in (issue 12). Two policies in one header (comma-separated) are both
 * enforced.
 */
export function pageHeaders(csp: string | null): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-cache",
    "content-security-policy": csp ? `${csp}, ${GENERATED_PAGE_SANDBOX}` : GENERATED_PAGE_SANDBOX,
  };
}
