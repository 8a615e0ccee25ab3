import { escapeHtml } from "./layout.ts";

/**
 * Appended to a live page whose generation failed after its first bytes were sent: the status
 * line (200) is gone, so the visitor must see the failure in the page itself. Fixed-position
 * and self-styled so it shows whatever half-written markup precedes it.
 */
export function streamFailureNotice(key: string, reason: string): string {
  const href = escapeHtml(key);
  return (
    '\n<div role="alert" style="position:fixed;inset:auto 1rem 1rem 1rem;z-index:2147483647;' +
    "padding:1rem 1.25rem;border-radius:.75rem;background:#3b0d0d;color:#fff;" +
    'font:16px/1.5 system-ui,sans-serif;box-shadow:0 8px 30px rgba(0,0,0,.4)">' +
    `<strong>This page could not be finished.</strong> ${escapeHtml(reason)} ` +
    `Nothing was saved. <a href="${href}" style="color:#ffd27a;font-weight:600">Retry</a>` +
    "</div>\n"
  );
}
