// The sign-in form, and the flash messages an action leaves for the dashboard. Flashes are codes
// from a fixed list plus the page key, so a crafted link can put no words of its own on the
// operator's screen beyond an escaped key.

import { type Html, html } from "../html.ts";
import { hole } from "../layout.ts";
import { adminPage } from "./page.ts";

export function loginPage(error: string | null): string {
  const message = error ? html`<p class="error" role="alert">${error}</p>` : "";
  return adminPage(
    "Sign in · rabbithole admin",
    html`${hole("mark small")}
<p class="eyebrow">rabbithole · admin</p>
<h1>Sign in</h1>
<p class="lead">Enter the admin token (<code>RABBITHOLE_ADMIN_TOKEN</code>) to watch and steer
this site.</p>
<form class="login" method="post" action="/__admin/login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
${message}<button class="button primary" type="submit">Sign in</button>
</form>`,
  ).text.replace("<main>", `<main class="narrow">`);
}

export type FlashCode =
  | "purged"
  | "not-cached"
  | "regenerating"
  | "no-mapping"
  | "budget"
  | "unavailable"
  | "no-key"
  | "rolled-back"
  | "already-current"
  | "no-version"
  | "busy";

const FLASHES: Record<FlashCode, { tone: "ok" | "bad"; text: (key: Html) => Html }> = {
  purged: {
    tone: "ok",
    text: (k) => html`Purged ${k}: its next visitor will have it written again. This one is kept.`,
  },
  "not-cached": {
    tone: "bad",
    text: (k) => html`${k} is not cached, so there was nothing to purge.`,
  },
  regenerating: {
    tone: "ok",
    text: (k) => html`Regenerating ${k}: it is being written now; the cached copy is kept.`,
  },
  "no-mapping": { tone: "bad", text: (k) => html`${k} has no prompt, so it cannot be generated.` },
  budget: {
    tone: "bad",
    text: (k) => html`Not regenerated: the budget is spent. ${k} keeps its cached copy.`,
  },
  unavailable: {
    tone: "bad",
    text: (k) =>
      html`Not regenerated: new pages are refused right now. ${k} keeps its cached copy.`,
  },
  "no-key": { tone: "bad", text: () => html`No page was named in that request.` },
  "rolled-back": {
    tone: "ok",
    text: (k) =>
      html`Rolled back ${k}: visitors get that version now; the one it replaced is kept.`,
  },
  "already-current": { tone: "ok", text: (k) => html`That version of ${k} is already current.` },
  "no-version": { tone: "bad", text: (k) => html`${k} has no such kept version: nothing changed.` },
  busy: {
    tone: "bad",
    text: (k) => html`${k} is being written right now: roll it back once it is written.`,
  },
};

/** What an action left to show: its words (the key escaped) and whether it went well. */
export type Flash = { tone: "ok" | "bad"; html: Html };

/** A flash as the dashboard and the versions page show it, or nothing. */
export function flashBanner(flash: Flash | null): Html | string {
  if (!flash) return "";
  return html`<p class="flash${flash.tone === "bad" ? " bad" : ""}" role="status">${flash.html}</p>`;
}

/** The dashboard URL that shows a flash after an action. */
export function flashUrl(code: FlashCode, key: string): string {
  return `/__admin?${new URLSearchParams({ done: code, key })}`;
}

/** The flash a dashboard URL asks for, as HTML, or null. */
export function flashFrom(url: string): Flash | null {
  const q = new URL(url).searchParams;
  const code = q.get("done") ?? "";
  if (!Object.hasOwn(FLASHES, code)) return null;
  const flash = FLASHES[code as FlashCode];
  const key = html`<code>${(q.get("key") ?? "").slice(0, 1100)}</code>`;
  return { tone: flash.tone, html: flash.text(key) };
}
