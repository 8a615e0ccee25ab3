// Pages that look like what a model writes: a full document with inline CSS, a nav, headed
// sections of prose with links, a fact list and a related-pages aside. The prose is drawn
// from a word list by a seeded generator, so every page differs and compresses about as well
// as real writing does (a repeated paragraph would compress far better than any real page).

const WORDS = `the of and to in a is that for it as was with on by be this are from or at which
an have not but were has had their its more also can been one two first new after into most
other some these than only over many such through between when where under while during
planet moon orbit surface crater volcano dust storm ice water atmosphere pressure gravity
rover lander mission probe spacecraft telescope camera instrument sample rock mineral basalt
canyon valley river delta lake ocean polar cap season winter summer day night temperature
cold thin red iron oxide carbon dioxide nitrogen argon methane signal radio antenna orbiter
launch window transfer trajectory engine fuel landing parachute heat shield descent wheels
scientists engineers team agency history discovery evidence ancient past wet warm climate
layer sediment mapping image data result model theory measure measured found showed suggests
largest highest deepest tallest small thin long wide distant near bright dark frozen early
late million billion kilometres metres hours years degrees kelvin region northern southern
equator mountain shield field basin plain ridge channel gully dune wind erosion impact`
  .split(/\s+/)
  .filter(Boolean);

// Real text repeats phrases, and that is what LZ77 finds: without them the prose would
// compress worse than any real page does.
const PHRASES = [
  "on the surface of Mars",
  "of the planet",
  "in the northern hemisphere",
  "billion years ago",
  "the Curiosity rover",
  "Olympus Mons",
  "Valles Marineris",
  "the thin atmosphere",
  "water ice",
  "carbon dioxide",
  "at the poles",
  "in the southern highlands",
  "the red planet",
  "the Perseverance rover",
  "Jezero crater",
  "Gale crater",
  "dust storms",
  "the Martian day",
  "as far as we know",
  "for the first time",
  "one of the",
  "more than",
  "about a third of",
];

const CSS = `:root{--ink:#1d1d28;--paper:#fbf8f3;--accent:#b5452b;--muted:#6b6b7a;--rule:#e4ddd2}
*{box-sizing:border-box}html{font-size:18px}body{margin:0;background:var(--paper);color:var(--ink);
font-family:Georgia,"Iowan Old Style","Times New Roman",serif;line-height:1.65}
header.site{border-bottom:1px solid var(--rule);background:#fff;position:sticky;top:0;z-index:10}
header.site .wrap{display:flex;align-items:center;justify-content:space-between;
padding:.6rem 1.2rem}
.brand{font:700 1.1rem/1 system-ui,sans-serif;letter-spacing:.04em;color:var(--accent);
text-decoration:none}nav.primary ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0}
nav.primary a{font:500 .85rem/1 system-ui,sans-serif;color:var(--ink);text-decoration:none;
padding:.3rem .5rem;border-radius:4px}nav.primary a:hover{background:var(--rule)}
main{display:grid;grid-template-columns:minmax(0,1fr) 16rem;gap:2.5rem;max-width:68rem;
margin:2rem auto;padding:0 1.2rem}@media (max-width:52rem){main{grid-template-columns:1fr}}
article h1{font-size:2.4rem;line-height:1.15;margin:.2em 0 .4em}article h2{font-size:1.45rem;
margin:2em 0 .5em;border-bottom:2px solid var(--rule);padding-bottom:.2em}.lede{font-size:1.2rem;
color:var(--muted)}article a{color:var(--accent);text-decoration-thickness:1px;
text-underline-offset:2px}figure{margin:1.5rem 0;padding:1rem;background:#fff;border:1px solid
var(--rule);border-radius:8px}figcaption{font:.8rem/1.4 system-ui,sans-serif;color:var(--muted)}
ul.facts{list-style:none;padding:0;display:grid;grid-template-columns:repeat(2,1fr);gap:.6rem}
ul.facts li{background:#fff;border:1px solid var(--rule);border-radius:6px;padding:.6rem .8rem;
font:.9rem/1.4 system-ui,sans-serif}ul.facts b{display:block;color:var(--accent)}
aside.related{font:.9rem/1.5 system-ui,sans-serif}aside.related h3{font-size:.8rem;
text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}aside.related ul{padding-left:1rem}
footer.site{border-top:1px solid var(--rule);margin-top:3rem;padding:1.5rem 1.2rem;
font:.8rem/1.5 system-ui,sans-serif;color:var(--muted);text-align:center}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem;
margin:1.5rem 0}
.card{display:flex;flex-direction:column;gap:.3rem;padding:1rem;background:#fff;border:1px solid
var(--rule);border-radius:10px;text-decoration:none;color:var(--ink);transition:transform .15s}
.card:hover{transform:translateY(-2px);box-shadow:0 6px 18px rgba(0,0,0,.08)}.card-kicker{font:600
.7rem/1 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.1em;color:var(--accent)}
.card-title{font-size:1.05rem;line-height:1.3}.card-meta{font:.8rem/1.4 system-ui,sans-serif;
color:var(--muted)}`;

const TOPICS = ["mars", "moons", "olympus-mons", "valles-marineris", "rovers", "climate", "water"];

/** mulberry32: small, fast, and the same pages on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writer(seed: number) {
  const rnd = generator(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  // Zipf's law, as in real prose: "the" far more often than "basalt".
  const word = () => WORDS[Math.floor(WORDS.length ** rnd()) - 1] as string;
  const token = () => (rnd() < 0.2 ? pick(PHRASES) : word());
  const words = (n: number) => Array.from({ length: n }, word).join(" ");
  const prose = (n: number) => Array.from({ length: n }, token).join(" ");
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const link = () => {
    const topic = pick(TOPICS);
    const text = words(2 + Math.floor(rnd() * 3));
    return `<a href="/${topic}/${words(2).replace(/ /g, "-")}.html">${text}</a>`;
  };
  const sentence = () => {
    const body = prose(6 + Math.floor(rnd() * 10));
    return `${cap(body)}${rnd() < 0.3 ? ` ${link()}` : ""} ${words(3)}.`;
  };
  const paragraph = () =>
    `<p>${Array.from({ length: 3 + Math.floor(rnd() * 3) }, sentence).join(" ")}</p>`;
  return { rnd, pick, words, cap, link, sentence, paragraph };
}

type Writer = ReturnType<typeof writer>;

// Model-written pages are markup-heavy: cards, fact lists and figures between the paragraphs.
function section(w: Writer, s: number): string {
  const out = [`<section id="s${s}">`, `<h2>${w.cap(w.words(3 + (s % 3)))}</h2>`];
  for (let p = 0; p < 3; p++) out.push(w.paragraph());
  if (s % 3 === 1) {
    const facts = Array.from(
      { length: 4 },
      () => `<li><b>${w.cap(w.words(2))}</b>${w.words(6)}</li>`,
    );
    out.push(`<ul class="facts">${facts.join("")}</ul>`);
  }
  if (s % 3 === 2) {
    const cards = Array.from({ length: 3 }, () => {
      const topic = w.pick(TOPICS);
      return (
        `<a class="card" href="/${topic}/${w.words(2).replace(/ /g, "-")}.html">` +
        `<span class="card-kicker">${w.cap(topic.replace(/-/g, " "))}</span>` +
        `<strong class="card-title">${w.cap(w.words(4))}</strong>` +
        `<span class="card-meta">${w.words(5)}</span></a>`
      );
    });
    out.push(`<div class="cards">\n${cards.join("\n")}\n</div>`);
  }
  if (s % 4 === 2) out.push(`<figure><figcaption>${w.cap(w.words(14))}.</figcaption></figure>`);
  out.push("</section>\n");
  return out.join("\n");
}

/** A page of about `bytes` UTF-8 bytes (never less), distinct for each seed. */
export function realisticPage(title: string, seed: number, bytes = 17_000, css = CSS): string {
  const w = writer(seed);
  const nav = TOPICS.map((t) => `<li><a href="/${t}/">${w.cap(t.replace(/-/g, " "))}</a></li>`);
  const head =
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${title} — Red Planet Atlas</title>\n<meta name="description" ` +
    `content="${w.cap(w.words(18))}.">\n<style>\n${css}\n</style>\n</head>\n<body>\n` +
    `<header class="site"><div class="wrap"><a class="brand" href="/">Red Planet Atlas</a>\n` +
    `<nav class="primary" aria-label="Main"><ul>${nav.join("")}</ul></nav></div></header>\n` +
    `<main>\n<article>\n<h1>${title}</h1>\n<p class="lede">${w.sentence()} ${w.sentence()}</p>\n`;
  const related = Array.from({ length: 8 }, () => `<li>${w.link()}</li>`).join("\n");
  const tail =
    `</article>\n<aside class="related"><h3>Related pages</h3><ul>\n${related}\n</ul></aside>\n` +
    `</main>\n<footer class="site"><p>Red Planet Atlas · ${w.words(6)} · ` +
    `<a href="/about.html">About this atlas</a></p></footer>\n</body>\n</html>\n`;
  const parts = [head];
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (let s = 0; size < bytes; s++) {
    const text = section(w, s);
    parts.push(text);
    size += Buffer.byteLength(text);
  }
  parts.push(tail);
  return parts.join("");
}

/** About 2 KB, unstyled: for the 100,000-page database, which would not fit at 17 KB a page. */
export function smallPage(title: string, seed: number): string {
  const text = writer(seed + 1).paragraph();
  return realisticPage(title, seed, 0, "").replace("</article>", `${text}\n</article>`);
}
