// Cached pages through the LiteFS proxy against the app behind it, on both nodes of the real
// two-node cluster the tests use (test/fixtures/litefs.ts): what the proxy in front costs.
import {
  hasPage,
  litefsSkipReason,
  pages,
  startTestCluster,
  until,
} from "../test/fixtures/litefs.ts";
import { benchSeconds } from "./children.ts";
import { realisticPage } from "./page.ts";
import type { Section } from "./report.ts";
import { alternate, benchRounds, ratio, type Summary, skippedForWrk } from "./rounds.ts";
import { checkServes, HOME_TITLE } from "./throughput.ts";
import { msPrecise, rps } from "./wrk.ts";

const TITLE = "Cached pages through the LiteFS proxy (issue 10)";
const CONNECTIONS = 64;

/** Measured by hand, 2026-12-01, on the primary of the same cluster, 3 s wrk runs. */
const WHY = [
  "Why: LiteFS's proxy (http/proxy_server.go) uses Go's http.Transport with the default of " +
    "two idle connections per host, so with 64 clients in flight it opens a new TCP connection " +
    "to the app for most requests: after one run, `ss` counted ~38,700 sockets in TIME-WAIT. " +
    "With one connection (no churn) it still adds ~76 µs a request: p50 124 µs against 48 µs " +
    "direct, 6,564 req/s against 21,199. No LiteFS setting changes either.",
  "So README.md offers the proxy-free setup (fly.toml `internal_port = 8081`): the app " +
    "already answers what needs the primary with fly-replay itself (test/deploy/litefs.test.ts).",
];

export async function benchLitefsProxy(): Promise<Section> {
  const skipped = skippedForWrk(TITLE);
  if (skipped) return skipped;
  const noCluster = litefsSkipReason();
  if (noCluster)
    return { title: TITLE, setup: "Skipped.", rows: [{ measure: "skipped", value: noCluster }] };
  const html = realisticPage(HOME_TITLE, 1);
  pages.html = () => html;
  const c = await startTestCluster();
  try {
    // Generated through the app's HTML filter, so compared with what the primary served.
    const served = await (await fetch(`${c.primary.proxyUrl}/`)).text();
    await until(() => hasPage(c.replica, "/"));
    const targets = [c.primary, c.replica].flatMap((node) => [
      {
        name: `${node.spec.name} via proxy`,
        url: `${node.proxyUrl}/`,
        opts: { connections: CONNECTIONS },
      },
      {
        name: `${node.spec.name} direct`,
        url: `${node.appUrl}/`,
        opts: { connections: CONNECTIONS },
      },
    ]);
    for (const t of targets) await checkServes(t.url, served);
    const [pp, pd, rp, rd] = (await alternate(targets)) as Summary[] as [
      Summary,
      Summary,
      Summary,
      Summary,
    ];
    const rows = (
      [
        ["primary", pp, pd],
        ["replica", rp, rd],
      ] as const
    ).flatMap(([node, proxy, direct]) => [
      {
        measure: `${node}: throughput via proxy`,
        value: rps(proxy.rps),
        baseline: rps(direct.rps),
        ratio: ratio(proxy.rps, direct.rps),
      },
      {
        measure: `${node}: latency p50 via proxy`,
        value: msPrecise(proxy.p50Ms),
        baseline: msPrecise(direct.p50Ms),
        ratio: ratio(proxy.p50Ms, direct.p50Ms),
      },
      {
        measure: `${node}: latency p99 via proxy`,
        value: msPrecise(proxy.p99Ms),
        baseline: msPrecise(direct.p99Ms),
        ratio: ratio(proxy.p99Ms, direct.p99Ms),
      },
    ]);
    return {
      title: TITLE,
      setup:
        `wrk, 2 threads, ${CONNECTIONS} connections, ${benchSeconds()} s per run after a warm-up, ` +
        `${benchRounds()} rounds alternating the four targets (medians shown), no ` +
        `Accept-Encoding. The page is \`/\` (${(Buffer.byteLength(html) / 1024).toFixed(1)} KB, ` +
        "the throughput section's page), generated on the primary through the fake upstream " +
        "and replicated. Two `litefs mount` (v0.5.14) from etc/litefs.yml, each running the " +
        "compiled binary; value = through the node's LiteFS proxy, baseline = the same " +
        "node's app port directly. wrk, both LiteFS and both apps share the machine's cores.",
      rows,
      notes: [
        ...WHY,
        "Each run (proxy / direct): " +
          [
            ["primary", pp, pd],
            ["replica", rp, rd],
          ]
            .map(
              ([n, p, d]) =>
                `${n}: ${(p as Summary).runs.map((x, i) => `${rps(x.rps)} / ${rps((d as Summary).runs[i]?.rps ?? 0)}`).join(", ")}`,
            )
            .join("; ") +
          ".",
      ],
    };
  } finally {
    await c.stop();
  }
}
