// `--memory off` restores the original request exactly: the bodies sent for a small crawl are
// compared byte for byte with those the server sent before site memory existed
// (test/fixtures/memory-off-requests.json, captured from main at 7aef5c0 with this same crawl).

import { expect, test } from "bun:test";
import golden from "../fixtures/memory-off-requests.json" with { type: "json" };
import { startSite, treeHandler } from "../fixtures/site.ts";

for (const model of ["claude-sonnet-4-6", "claude-sonnet-5-5"] as const) {
  test(`--memory off sends exactly the original requests (${model})`, async () => {
    const site = startSite({ handler: treeHandler, model, depthLimit: 3, memory: false });
    try {
      for (const p of ["/", "/p-a.html", "/p-a-b.html"])
        expect((await site.get(p)).status).toBe(200);
      expect(site.fake.requests.map((r) => r.raw)).toEqual(golden[model]);
    } finally {
      await site.close();
    }
  });
}
