// The page route on its own (http/routes/page.ts), on real parts: a cached hit is answered
// synchronously, and each other way a page request ends says so in the request's Visit.

import { afterEach, describe, expect, test } from "bun:test";
import { servePage } from "../../../src/http/routes/page.ts";
import type { Cluster } from "../../../src/store/litefs.ts";
import {
  closeRouteContexts,
  NAVIGATE,
  routeContext as route,
  visitOf as visit,
} from "../../fixtures/route-context.ts";

afterEach(closeRouteContexts);

describe("page route", () => {
  test("a cached page: a Response at once (no promise), 200 with its ETag, then 304", async () => {
    const c = route();
    const v = visit("/");
    const res = servePage(c, v, "/");
    expect(res).toBeInstanceOf(Response);
    expect(v.outcome).toBe("hit");
    const ok = res as Response;
    expect(ok.status).toBe(200);
    const etag = ok.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    const again = visit("/", { headers: { "if-none-match": etag } });
    expect((servePage(c, again, "/") as Response).status).toBe(304);
  });

  test("a key nobody linked to: 404, the operator's page when given, no generation", async () => {
    const v = visit("/nowhere.html");
    const res = await servePage(route(), v, "/nowhere.html");
    expect(res.status).toBe(404);
    expect(v.outcome).toBe("not_found");
    const custom = route({ notFoundHtml: "<p>lost</p>" });
    expect(await (await servePage(custom, visit("/x.html"), "/x.html")).text()).toBe("<p>lost</p>");
    expect(custom.generator.inFlight).toBe(0);
  });

  test("on a replica a miss is replayed on the primary, once", async () => {
    const replica: Cluster = { role: () => ({ primary: false, host: "machine-1" }) };
    const c = route({ cluster: replica });
    const v = visit("/io.html", { headers: NAVIGATE });
    const res = await servePage(c, v, "/io.html");
    expect(res.status).toBe(409);
    expect(res.headers.get("fly-replay")).toBe("instance=machine-1");
    expect(v.outcome).toBe("replayed");
    const replayed = visit("/io.html", { headers: { ...NAVIGATE, "fly-replay-src": "x" } });
    expect((await servePage(c, replayed, "/io.html")).status).toBe(503);
  });

  test("a navigation to a linked page starts it and streams it live", async () => {
    const c = route();
    const v = visit("/io.html", { headers: NAVIGATE });
    const res = await servePage(c, v, "/io.html");
    expect(v.outcome).toBe("generated");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-rabbithole")).toBe("live");
    expect(await res.text()).toContain("</html>");
  });

  test("with --loading-page the answer is the loading page, 202", async () => {
    const c = route({ loadingPage: true });
    const v = visit("/io.html", { headers: NAVIGATE });
    const res = await servePage(c, v, "/io.html");
    expect(res.status).toBe(202);
    expect(await res.text()).toContain("/__ready?url=%2Fio.html");
  });

  test("HEAD, a subresource and a crawler start nothing", async () => {
    const c = route();
    const head = visit("/io.html", { method: "HEAD", headers: NAVIGATE });
    expect((await servePage(c, head, "/io.html")).status).toBe(200);
    expect(head.outcome).toBe("refused");
    const img = visit("/io.html", {
      headers: { "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
    });
    expect((await servePage(c, img, "/io.html")).status).toBe(503);
    expect(img.outcome).toBe("refused");
    const bot = visit("/io.html", { headers: { ...NAVIGATE, "user-agent": "Googlebot/2.1" } });
    const refused = await servePage(c, bot, "/io.html");
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("86400");
    expect(c.generator.inFlight).toBe(0);
    expect(c.store.hasPage("/io.html")).toBe(false);
  });
});
