// The server's own status pages (errors, budget, failure). The loading page lives beside them.

import { html } from "./html.ts";
import { HOME, sameSiteHref, statusPage } from "./layout.ts";

import { eyebrowOf } from "./status-text.ts";

/** A generic error document; `title` and `message` are plain text. */
export function errorPage(status: number, title: string, message: string): string {
  return statusPage({ eyebrow: eyebrowOf(status), title, lead: html`${message}` });
}

export function methodNotAllowedPage(): string {
  return errorPage(405, "Only reading here", "This site answers GET and HEAD requests only.");
}

export function notFoundPage(key: string): string {
  return statusPage({
    eyebrow: "404 · Not found",
    title: "There is no page here",
    lead: html`No page on this site links to <code>${key}</code>, so it has never been
 written. Follow a link from a page that exists instead.`,
  });
}

export function budgetPage(): string {
  return statusPage({
    eyebrow: "503 · Budget spent",
    title: "This site has stopped growing",
    // Also shown when a little is left but not enough for one more page: "used up" would lie.
    lead: html`What is left of its generation budget cannot pay for another page, so no new pages
 can be written. Every page already written is still here to read.`,
  });
}

function retryLink(key: string, label: string) {
  return html`<a class="button primary" href="${sameSiteHref(key)}">${label}</a>${HOME}`;
}

export function failurePage(key: string, reason: string): string {
  return statusPage({
    eyebrow: "503 · Generation failed",
    title: "This page could not be written",
    lead: html`Something went wrong while writing <code>${key}</code>. Nothing was
 saved, so trying again starts afresh.`,
    detail: reason,
    actions: retryLink(key, "Retry"),
  });
}

export function refusalPage(key: string, detail?: string): string {
  return statusPage({
    eyebrow: "Declined",
    title: "This page was not written",
    lead: html`The writer declined to write <code>${key}</code>. Nothing was saved;
 you can ask again, or return to the pages that exist.`,
    ...(detail ? { detail } : {}),
    actions: retryLink(key, "Try again"),
  });
}
