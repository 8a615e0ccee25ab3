// The admin's page document: the shared server-page layout with the admin stylesheet, and the
// Content-Security-Policy that allows exactly those stylesheets and nothing else.

import { createHash } from "node:crypto";
import { type Html, html, trusted } from "../html.ts";
import { layout } from "../layout.ts";
import { ADMIN_CSS } from "./style.ts";

/** The admin page document: the shared layout with the admin stylesheet added. */
export function adminPage(title: string, body: Html): Html {
  return layout({ title, head: html`\n<style>${trusted(ADMIN_CSS)}</style>`, body });
}

// The pages carry no inline style attributes, so hashes of the two stylesheets (taken from a
// page rendered at startup, exactly as they will be sent) are all style-src needs.
const styleHashes = [...adminPage("", html``).text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
  (m) =>
    `'sha256-${createHash("sha256")
      .update(m[1] ?? "")
      .digest("base64")}'`,
);

export const ADMIN_CSP = [
  "default-src 'none'",
  `style-src ${styleHashes.join(" ")}`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");
