// The answer to a page that could not be written (http/respond/failure.ts): which page, which
// status, and when to ask again, for each kind of the one failure shape.

import { describe, expect, test } from "bun:test";
import type { Failure } from "../../../src/generate/run.ts";
import { budgetResponse, failureResponse } from "../../../src/http/respond/failure.ts";

const failure = (f: Omit<Failure, "ok">): Failure => ({ ok: false, ...f });

describe("failureResponse", () => {
  test("the budget: 503, the budget page, come back in an hour", async () => {
    for (const res of [
      budgetResponse(),
      failureResponse("/a.html", failure({ kind: "budget", reason: "x" })),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("3600");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.text()).toContain("This site has stopped growing");
    }
  });

  test("a failed page names its key and reason, escaped, with a retry link, after 5 s", async () => {
    const res = failureResponse(
      "/a<b>.html",
      failure({ kind: "failed", reason: "upstream <b>500</b>" }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = await res.text();
    expect(body).toContain("This page could not be written");
    expect(body).toContain("/a&lt;b&gt;.html");
    expect(body).toContain("upstream &lt;b&gt;500&lt;/b&gt;");
    expect(body).not.toContain("<b>");
  });

  test("unavailable waits a minute; a known cool-down overrides either wait", () => {
    const down = failureResponse("/a.html", failure({ kind: "unavailable", reason: "paused" }));
    expect(down.headers.get("retry-after")).toBe("60");
    const cooling = failureResponse(
      "/a.html",
      failure({ kind: "failed", reason: "x", retryAfterSec: 42 }),
    );
    expect(cooling.headers.get("retry-after")).toBe("42");
  });

  test("a refusal shows the model's reason only while the page cools down", async () => {
    const plain = await failureResponse(
      "/a.html",
      failure({ kind: "refusal", reason: "Declined: unsafe" }),
    ).text();
    expect(plain).toContain("This page was not written");
    expect(plain).not.toContain("Declined: unsafe");
    const cooling = failureResponse(
      "/a.html",
      failure({ kind: "refusal", reason: "Declined: unsafe", retryAfterSec: 30 }),
    );
    expect(cooling.headers.get("retry-after")).toBe("30");
    expect(await cooling.text()).toContain("Declined: unsafe");
  });
});
