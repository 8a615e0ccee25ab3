// The look every server page shares: one layout, one stylesheet, the spiral mark. Each page is
// one self-contained document: generated sites have their own look, so these must not depend on
// any asset the server would have to route. Pages are written with the `html` tag (html.ts).

import { type Html, html, trusted } from "./html.ts";

// A JS string literal that cannot end the <script> element it sits in.
export function jsString(text: string): string {
  return JSON.stringify(text)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

// Keys are canonical paths, but a key like "//host" (or "/\host") would make a retry link
// leave the site; fall back to the homepage rather than link anywhere else.
export function sameSiteHref(key: string): string {
  return /^\/(?![/\\])/.test(key) ? key : "/";
}

// Logarithmic spiral arms, drawn as bands that narrow toward the centre: each turn is a constant
// ratio smaller, which the eye reads as depth. With y pointing down, rotating them clockwise
// (positive CSS degrees) makes the arms seem to slide inward, down the hole.
function spiralArm(turns: number, radius: number, inner: number, arms: number): string {
  const end = turns * 2 * Math.PI;
  const growth = Math.log(radius / inner) / end;
  // The band fills 40% of the gap between one arm and the next.
  const thin = Math.exp((-growth * 2 * Math.PI * 0.4) / arms);
  const point = (angle: number, scale: number) => {
    const r = inner * Math.exp(growth * angle) * scale;
    return `${(r * Math.cos(angle)).toFixed(1)} ${(r * Math.sin(angle)).toFixed(1)}`;
  };
  const steps = turns * 48;
  const edge: string[] = [];
  const back: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const angle = (i / steps) * end;
    edge.push(point(angle, 1));
    back.unshift(point(angle, thin));
  }
  return `M${edge.join("L")}L${back.join("L")}Z`;
}

const ARMS = 3;
const ARM = spiralArm(4, 160, 1, ARMS);

// The mask is a disc that trims the arms' ragged ends and fades them toward the centre, and a
// shaded disc darkens the middle: together they read as depth, not as a target. Ids are fixed:
// a page draws at most one hole.
export function hole(className: string, id = ""): Html {
  const arms = Array.from(
    { length: ARMS },
    (_, i) => html`<use href="#hole-arm" transform="rotate(${(360 / ARMS) * i})"/>`,
  );
  return html`<svg${id && html` id="${id}"`} class="${className}" viewBox="-100 -100 200 200"
 aria-hidden="true" focusable="false"><defs><path id="hole-arm" fill="currentColor"
 d="${ARM}"/><radialGradient id="hole-fade"><stop offset="0" stop-color="#fff"
 stop-opacity="0"/><stop offset=".35" stop-color="#fff" stop-opacity=".6"/><stop offset="1"
 stop-color="#fff"/></radialGradient><radialGradient id="hole-shade"><stop offset="0"
 stop-color="currentColor" stop-opacity=".3"/><stop offset="1" stop-color="currentColor"
 stop-opacity="0"/></radialGradient><mask id="hole-mask"><circle r="98"
 fill="url(#hole-fade)"/></mask></defs><circle r="98" fill="url(#hole-shade)"/><circle
 class="rim" r="98"/><g mask="url(#hole-mask)"><g class="turn">${arms}</g></g></svg>`;
}

const CSS = `
:root{color-scheme:light dark;--bg:#f6f3ec;--ink:#25221d;--muted:#6a645a;--line:#ddd6c8;
--card:#fffdf8;--accent:#a4502a;--accent-ink:#fff;--code:#efe9dc}
@media (prefers-color-scheme:dark){:root{--bg:#131316;--ink:#ebe8e2;--muted:#a29d94;
--line:#2c2c33;--card:#1b1b20;--accent:#e5885c;--accent-ink:#1a1210;--code:#26262d}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--ink)}
body{margin:0;min-height:100vh;min-height:100dvh;display:grid;place-items:center;padding:24px;
font:17px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{width:100%;max-width:36rem;text-align:center}
.mark{display:block;margin:0 auto 28px;color:var(--accent)}
.mark .rim{fill:none;stroke:currentColor;stroke-width:2;opacity:.35}
.hole{width:min(50vw,200px);height:auto}
.small{width:72px;height:auto;margin-bottom:20px;opacity:.85}
.eyebrow{margin:0 0 6px;color:var(--muted);font-size:.8rem;letter-spacing:.14em;
text-transform:uppercase;font-weight:600}
h1{margin:0 0 14px;font:600 clamp(1.6rem,5vw,2.2rem)/1.2 "Iowan Old Style","Palatino Linotype",
Palatino,Georgia,"DejaVu Serif",serif;letter-spacing:-.01em;text-wrap:balance}
p{margin:0 0 14px}
.lead{color:var(--muted);text-wrap:pretty}
code{font:.92em/1.4 ui-monospace,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono",monospace;
background:var(--code);border-radius:6px;padding:2px 7px;color:var(--ink);
overflow-wrap:anywhere;word-break:break-word}
.path{margin:18px 0 8px}
.meta{color:var(--muted);font-size:.9rem;font-variant-numeric:tabular-nums}
.reason{margin:18px auto 0;padding:12px 16px;border:1px solid var(--line);border-radius:10px;
background:var(--card);color:var(--muted);font-size:.9rem;text-align:left;
overflow-wrap:anywhere;white-space:pre-wrap}
.note{color:var(--accent);font-size:.9rem}
.actions{display:flex;flex-wrap:wrap;gap:12px;justify-content:center;margin-top:26px}
.button{appearance:none;display:inline-block;min-height:44px;padding:10px 20px;
border-radius:999px;border:1px solid var(--line);background:var(--card);color:var(--ink);
font:inherit;font-size:.95rem;font-weight:600;line-height:22px;text-decoration:none;
cursor:pointer;transition:border-color .15s,transform .15s}
.button:hover{border-color:var(--accent)}
.button:active{transform:translateY(1px)}
.button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-ink)}
:focus-visible{outline:3px solid var(--accent);outline-offset:3px}
[hidden]{display:none!important}
@media (prefers-reduced-motion:no-preference){
.hole .turn{transform-origin:0 0;animation:fall 6s linear infinite}}
@keyframes fall{to{transform:rotate(360deg)}}
`;

interface Layout {
  title: string;
  body: Html;
  head?: Html;
  /** The page's script, written by this server. */
  script?: string;
}

export function layout({ title, body, head = html``, script = "" }: Layout): Html {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>${head}
<style>${trusted(CSS)}</style>
</head>
<body>
<main>
${body}
</main>${script ? html`\n<script>${trusted(script)}</script>` : ""}
</body>
</html>
`;
}

// The way home is the main action unless the page offers a retry.
export const HOME = html`<a class="button" href="/">Go to the homepage</a>`;
const HOME_ONLY = html`<a class="button primary" href="/">Go to the homepage</a>`;

interface StatusPage {
  eyebrow: string;
  title: string;
  lead: Html;
  detail?: string;
  actions?: Html;
}

export function statusPage({
  eyebrow,
  title,
  lead,
  detail,
  actions = HOME_ONLY,
}: StatusPage): string {
  const reason = detail ? html`\n<p class="reason">${detail}</p>` : "";
  return layout({
    title,
    body: html`${hole("mark small")}
<p class="eyebrow">${eyebrow}</p>
<h1>${title}</h1>
<p class="lead">${lead}</p>${reason}
<p class="actions">${actions}</p>`,
  }).text;
}
