// The loading page of --loading-page mode: shown at once, it polls /__ready and reloads itself.

import { html } from "./html.ts";
import { hole, jsString, layout } from "./layout.ts";

// Polls /__ready every second. Every terminal answer replaces the animation with a message and
// a way out, so a failure never leaves the visitor watching a spinner forever.
const LOADING_SCRIPT = `
var $ = function (id) { return document.getElementById(id); };
var started = Date.now(), failures = 0, done = false, slow = false;
function tick() {
  var s = Math.floor((Date.now() - started) / 1000);
  $("elapsed").textContent = s < 60 ? s + " s" : Math.floor(s / 60) + " min " +
    ("0" + (s % 60)).slice(-2) + " s";
  if (s >= 90 && !slow) {
    slow = true;
    $("lead").textContent = "Still writing. Long pages, and pages that need research on " +
      "the web, can take a few minutes.";
  }
}
var clock = setInterval(tick, 1000);
function finish(eyebrow, title, lead, retry) {
  done = true;
  clearInterval(clock);
  // The spinner settles into the still mark the other error pages show.
  $("spinner").setAttribute("class", "mark small");
  $("waiting").hidden = true;
  $("note").hidden = true;
  $("eyebrow").textContent = eyebrow;
  $("title").textContent = title;
  $("lead").textContent = lead;
  $("retry").hidden = !retry;
  $("home").className = retry ? "button" : "button primary";
  $("actions").hidden = false;
  document.title = title;
}
function fail(state) {
  if (state === "budget") {
    finish("503 · Budget spent", "This site has stopped growing", "What is left of its " +
      "generation budget cannot pay for this page. Every page already written is still here.",
      false);
  } else {
    finish("503 · Generation failed", "This page could not be written", "Something went wrong " +
      "while writing it. Nothing was saved, so trying again starts afresh.", true);
  }
}
function offline() {
  failures += 1;
  if (failures >= 3) $("note").hidden = false;
  schedule(failures > 10 ? 5000 : 1000);
}
function poll() {
  var opts = { cache: "no-store", headers: { accept: "application/json" } };
  if (window.AbortSignal && AbortSignal.timeout) opts.signal = AbortSignal.timeout(15000);
  fetch(READY, opts).then(function (res) {
    if (res.status === 200) { done = true; location.reload(); return; }
    if (res.status === 404) {
      finish("404 · Not found", "There is no page here", "Nothing on this site links to " +
        "this address, so it will not be written.", false);
      return;
    }
    if (res.status === 503) {
      return res.json().then(function (b) { fail(b && b.state); }, function () { fail(); });
    }
    if (res.status !== 202) return offline();
    res.json().then(function (b) {
      if (b && b.state === "pending" && !done) { done = true; location.reload(); }
    }, function () {});
    failures = 0;
    $("note").hidden = true;
    schedule(1000);
  }, offline);
}
function schedule(ms) { if (!done) setTimeout(poll, ms); }
$("retry").addEventListener("click", function () { location.reload(); });
schedule(1000);
`;

/** Shown at once while `key` is generated; reloads itself when the page is cached. */
export function loadingPage(key: string): string {
  const ready = `/__ready?url=${encodeURIComponent(key)}`;
  return layout({
    title: `Writing ${key}…`,
    head: html`\n<noscript><meta http-equiv="refresh" content="5"></noscript>`,
    body: html`${hole("mark hole", "spinner")}
<div role="status" aria-live="polite">
<p class="eyebrow" id="eyebrow">A new page</p>
<h1 id="title">Down the rabbit hole…</h1>
<p class="lead" id="lead">Nobody has been here before, so this page is being written for you
 right now. It will appear by itself, usually within a minute or two.</p>
</div>
<p class="path"><code>${key}</code></p>
<p class="meta" id="waiting"><span id="elapsed" role="timer">0 s</span> so far</p>
<p class="note" id="note" hidden>The server is not answering. Still trying…</p>
<noscript><p class="note">JavaScript is off: this page reloads itself every few seconds
 until the new page is ready.</p></noscript>
<p class="actions" id="actions" hidden><button class="button primary" id="retry"
 type="button">Retry</button><a class="button" id="home" href="/">Go to the homepage</a></p>`,
    script: `var READY = ${jsString(ready)};${LOADING_SCRIPT}`,
  }).text;
}
