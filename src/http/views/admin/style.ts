// The admin's additions to the shared server-page stylesheet. The shared sheet centres a narrow
// card; these rules come earlier in <head>, so the ones that widen it use selectors that are
// more specific than the shared ones (html>body, body>main) rather than relying on order.

export const ADMIN_CSS = `
:root{--ok:#2f7a4d;--bad:#b3261e;--mono:ui-monospace,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono",
monospace}
@media (prefers-color-scheme:dark){:root{--ok:#7fcf9b;--bad:#f2867a}}
html>body{display:block;padding:0}
body>main{max-width:80rem;margin:0 auto;padding:20px clamp(12px,3vw,32px) 56px;text-align:left}
body>main.narrow{max-width:26rem;padding-top:12vh;text-align:center}
.top{display:flex;align-items:center;gap:12px;flex-wrap:wrap;margin-bottom:18px}
.top .mark{margin:0;width:40px;height:40px}
.top h1{margin:0;font-size:1.5rem}
.top form{margin-left:auto}
.pill{display:inline-block;padding:2px 10px;border-radius:999px;border:1px solid var(--line);
background:var(--card);color:var(--muted);font-size:.8rem;font-weight:600}
.pill.primary{color:var(--ok);border-color:currentColor}
.pill.replica{color:var(--accent);border-color:currentColor}
.button.sm{min-height:30px;padding:3px 12px;font-size:.8rem;line-height:22px}
.button.danger:hover{border-color:var(--bad);color:var(--bad)}
.flash{margin:0 0 18px;padding:10px 14px;border-radius:10px;border:1px solid var(--ok);
background:var(--card);overflow-wrap:anywhere}
.flash.bad{border-color:var(--bad)}
.flash b{font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(135px,1fr));gap:10px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:10px 14px}
.card .n{display:block;font-size:1.5rem;font-weight:650;font-variant-numeric:tabular-nums}
.card .k{color:var(--muted);font-size:.72rem;letter-spacing:.1em;text-transform:uppercase;
font-weight:600}
.card .s{display:block;color:var(--muted);font-size:.8rem}
.card.wide{grid-column:span 2}
svg.bar{display:block;width:100%;height:10px;margin:8px 0 4px;border-radius:999px}
.bar .track{fill:var(--line)}.bar .spent{fill:var(--accent)}.bar .hot{fill:var(--bad)}
.bar .reserved{fill:var(--accent);opacity:.35}
section{margin-top:30px}
h2{margin:0 0 4px;font-size:1.25rem}
.hint{margin:0 0 12px;color:var(--muted);font-size:.85rem}
.bible{white-space:pre-wrap;overflow-wrap:anywhere;max-height:32rem;overflow:auto;padding:12px;border:1px solid var(--line);border-radius:8px;font-size:.85rem}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:12px;background:var(--card)}
table{width:100%;border-collapse:collapse;font-size:.85rem}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap;
vertical-align:middle}
tr:last-child>td{border-bottom:0}
th{color:var(--muted);font-size:.72rem;letter-spacing:.08em;text-transform:uppercase}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td code,.key{font-family:var(--mono);font-size:.82rem}
a.key{color:var(--ink);text-decoration-color:var(--accent);text-underline-offset:3px}
td code{padding:1px 5px}
.acts{display:flex;gap:6px}
.empty{color:var(--muted);font-style:italic}
.legend{display:flex;flex-wrap:wrap;gap:6px 18px;margin:0 0 12px;color:var(--muted);
font-size:.85rem;align-items:center}
.dot{display:inline-block;flex:none;width:11px;height:11px;border-radius:50%;
border:2px solid var(--accent);background:var(--accent);vertical-align:-1px}
.dot.frontier{background:none;border:2px dashed var(--muted)}
.dot.failed{background:none;border:2px solid var(--bad)}
.dot.live{background:none;border-color:var(--ok);box-shadow:0 0 0 3px color-mix(in srgb,var(--ok)
25%,transparent)}
.depths td{padding:3px 10px}
.depths td.fill{width:100%;min-width:60px}
.depths svg{display:block;width:100%;height:10px;border-radius:3px}
.depths .g{fill:var(--accent)}.depths .f{fill:var(--muted);opacity:.35}
.tree{padding:12px 14px;font-size:.88rem;line-height:1.4}
.tree ul{list-style:none;margin:0;padding:0}
.tree ul ul{margin-left:5px}
.tree ul ul>li{position:relative;padding-left:22px}
.tree ul ul>li::before{content:"";position:absolute;left:0;top:0;bottom:0;
border-left:1px solid var(--line)}
.tree ul ul>li:last-child::before{bottom:auto;height:15px}
.tree ul ul>li::after{content:"";position:absolute;left:0;top:15px;width:16px;
border-top:1px solid var(--line)}
.row{display:flex;align-items:center;gap:8px;min-height:30px;padding:2px 6px;
border-radius:8px;flex-wrap:wrap}
summary.row{cursor:pointer;list-style:none}
summary.row::-webkit-details-marker{display:none}
summary.row:hover{background:var(--code)}
.chev,.gap{flex:none;width:12px;color:var(--muted);font-size:.7rem;text-align:center}
.chev::before{content:"\\25B6";display:inline-block;transition:transform .15s}
details[open]>summary .chev::before{transform:rotate(90deg)}
.row .key{overflow-wrap:anywhere;color:var(--ink)}
.row a.key{text-decoration:none;border-bottom:1px solid var(--line)}
.row a.key:hover{border-color:var(--accent)}
.tag{color:var(--muted);font-size:.78rem;font-variant-numeric:tabular-nums}
.tag.d{padding:0 6px;border-radius:6px;background:var(--code);font-weight:600}
.sub{margin-left:auto;padding-left:10px;color:var(--muted);font-size:.78rem;
font-variant-numeric:tabular-nums}
.sub b{color:var(--ink);font-weight:600}
.chips{display:flex;flex-wrap:wrap;gap:4px 6px;padding:4px 6px 6px}
.chip{display:inline-flex;align-items:center;gap:5px;padding:1px 8px 1px 6px;border-radius:999px;
border:1px dashed var(--line);color:var(--muted);font:.76rem/1.6 var(--mono)}
.chip .dot{width:8px;height:8px;border-width:1.5px}
.chip.failed{border-color:var(--bad);border-style:solid}
.chip.live{border-color:var(--ok);border-style:solid;color:var(--ink)}
.login{display:grid;gap:12px;margin-top:22px;text-align:left}
.login label{font-weight:600;font-size:.9rem}
.login input{font:inherit;padding:10px 12px;border-radius:10px;border:1px solid var(--line);
background:var(--card);color:var(--ink);width:100%}
.login .error{margin:0;color:var(--bad);font-size:.9rem}
@media (max-width:640px){.card.wide{grid-column:1/-1}.opt{display:none}
.acts{flex-direction:column;align-items:stretch}th,td,.depths td{padding:5px 7px}
.sub{margin-left:0;padding-left:20px;flex-basis:100%}.tree{padding:8px}
.tree ul ul>li{padding-left:14px}.tree ul ul>li::after{width:10px}}
`;
