// The dashboard (http/views/admin/dashboard.ts): the role, the totals and the budget bar, what
// is being written now, the flash, the sign-out form with its CSRF token, the bible; every value
// escaped.

import { describe, expect, test } from "bun:test";
import { ZERO_USAGE } from "../../../../src/core/types.ts";
import type { Flight } from "../../../../src/generate/generator.ts";
import { type DashboardData, dashboard } from "../../../../src/http/views/admin/dashboard.ts";
import { html } from "../../../../src/http/views/html.ts";

function data(o: Partial<DashboardData> = {}): DashboardData {
  return {
    stats: {
      pages: 3,
      mappings: 7,
      pendingMappings: 4,
      attempts: 5,
      failedAttempts: 2,
      usage: { ...ZERO_USAGE, inputTokens: 1000, outputTokens: 500 },
      spentUsd: 4.5,
      byModel: [],
    },
    pages: [],
    siteMap: [],
    kept: [],
    flights: [],
    states: { live: new Set(), failed: new Set() },
    role: { primary: true },
    maxCostUsd: null,
    reservedUsd: 0,
    now: 10_000,
    csrf: "csrf-token",
    flash: null,
    bible: null,
    ...o,
  };
}

const flight = (key: string, startedAt: number, bytes: number) =>
  ({ key, startedAt, fanout: { bytes } }) as unknown as Flight;

describe("dashboard", () => {
  test("a whole admin page: the totals, sign-out carrying the CSRF token, each section", () => {
    const page = dashboard(data());
    expect(page).toStartWith("<!DOCTYPE html>");
    expect(page).toContain('<span class="pill primary">primary</span>');
    expect(page).toContain(
      '<form method="post" action="/__admin/logout"><input type="hidden" name="csrf" value="csrf-token">',
    );
    expect(page).toContain('<span class="k">Spend</span><span class="n">$4.50</span>');
    expect(page).toContain("no cap · $0 reserved now");
    expect(page).toContain('<span class="k">Tokens</span><span class="n">1,500</span>');
    expect(page).toContain("2 failed");
    for (const id of ['id="flights"', 'id="map"', 'id="pages"', 'id="versions"', 'id="bible"']) {
      expect(page).toContain(id);
    }
    expect(page).toContain("Nothing is being written right now.");
    expect(page).not.toContain('id="models"');
  });

  test("a replica names its primary, or says it has none", () => {
    expect(dashboard(data({ role: { primary: false, host: "m<1>" } }))).toContain(
      "replica · primary is m&lt;1&gt;",
    );
    expect(dashboard(data({ role: { primary: false, host: "" } }))).toContain(
      "primary is not connected",
    );
  });

  test("under a cap, the bar: spent, reserved, what is left; hot from 90 %", () => {
    const page = dashboard(data({ maxCostUsd: 10, reservedUsd: 1 }));
    expect(page).toContain('aria-label="45% of the budget spent"');
    expect(page).toContain('<rect class="spent" width="45.00" height="10"/>');
    expect(page).toContain('<rect class="reserved" x="45.00" width="10.00" height="10"/>');
    expect(page).toContain("45% of $10.00 · $5.50 left · $1.00 reserved");
    const hot = dashboard(data({ maxCostUsd: 5 }));
    expect(hot).toContain('<rect class="hot" width="90.00"');
    // Overspent (a round past the cap): the bar is full, nothing is left, never below zero.
    const over = dashboard(data({ maxCostUsd: 4 }));
    expect(over).toContain('width="100.00"');
    expect(over).toContain("$0 left");
    // A cap of zero: nothing may be spent, the bar is full.
    expect(dashboard(data({ maxCostUsd: 0 }))).toContain('aria-label="100% of the budget spent"');
  });

  test("pages being written: key, elapsed and streamed bytes, keys escaped", () => {
    const page = dashboard(data({ flights: [flight("/<x>.html", 7_500, 2_500)] }));
    expect(page).toContain('<tr data-key="/&lt;x&gt;.html"><td><code>/&lt;x&gt;.html</code></td>');
    expect(page).toContain('<td class="num">2.5 s</td>');
    expect(page).toContain('<span class="k">In flight</span><span class="n">1</span>');
  });

  test("the flash, its tone, and the bible as plain text", () => {
    const bad = dashboard(data({ flash: { tone: "bad", html: html`No <b>${"k"}</b>` } }));
    expect(bad).toContain('<p class="flash bad" role="status">No <b>k</b></p>');
    const ok = dashboard(data({ flash: { tone: "ok", html: html`Done` } }));
    expect(ok).toContain('<p class="flash" role="status">Done</p>');
    const bible = { text: "Name: <Atlas>", source: "/", updatedAt: 0 };
    const page = dashboard(data({ bible }));
    expect(page).toContain('<pre class="bible">Name: &lt;Atlas&gt;</pre>');
    expect(page).toContain("Written by /;");
    expect(dashboard(data())).toContain("None yet: it is written with the homepage");
  });
});
