// The admin's cross-site protection (http/routes/admin/guard.ts): which requests count as
// same-origin, and a form body read with a size bound whatever the client declares.

import { describe, expect, test } from "bun:test";
import { HttpError } from "../../../../src/core/errors.ts";
import { crossSite, readForm } from "../../../../src/http/routes/admin/guard.ts";

const post = (headers: Record<string, string>, body?: BodyInit) =>
  new Request("http://site.test/__admin/purge", { method: "POST", headers, body });

describe("crossSite", () => {
  test("Sec-Fetch-Site other than same-origin is refused, whatever Origin says", () => {
    expect(crossSite(post({ "sec-fetch-site": "cross-site", origin: "http://site.test" }))).toBe(
      "Sec-Fetch-Site is cross-site",
    );
    expect(
      crossSite(post({ "sec-fetch-site": "same-site", origin: "http://site.test" })),
    ).toContain("same-site");
    expect(
      crossSite(post({ "sec-fetch-site": "same-origin", origin: "http://site.test" })),
    ).toBeNull();
  });

  test("Origin must name our host; the scheme may differ (Fly's TLS proxy), case does not matter", () => {
    expect(crossSite(post({ origin: "https://SITE.test" }))).toBeNull();
    expect(crossSite(post({ origin: "https://evil.test" }))).toBe(
      "Origin https://evil.test is not site.test",
    );
    // A sandboxed (generated) page has an opaque origin.
    expect(crossSite(post({ origin: "null" }))).toContain("Origin null");
    // The Host header is what the browser addressed, over the URL we were handed.
    expect(
      crossSite(post({ host: "public.example", origin: "https://public.example" })),
    ).toBeNull();
    expect(crossSite(post({ host: "public.example", origin: "http://site.test" }))).not.toBeNull();
  });

  test("without Origin the Referer decides; with neither the request is refused", () => {
    expect(crossSite(post({ referer: "https://site.test/__admin" }))).toBeNull();
    expect(crossSite(post({ referer: "https://evil.test/page" }))).toBe("Referer is another site");
    expect(crossSite(post({ referer: "not a url" }))).toBe("Referer is another site");
    expect(crossSite(post({}))).toBe("neither Origin nor Referer was sent");
  });
});

describe("readForm", () => {
  const FORM = "application/x-www-form-urlencoded";

  test("a urlencoded body is read, charset parameter or not; no body is an empty form", async () => {
    const form = await readForm(
      post({ "content-type": `${FORM}; charset=UTF-8` }, "key=%2Fa.html&csrf=t"),
    );
    expect(form.get("key")).toBe("/a.html");
    expect(form.get("csrf")).toBe("t");
    expect([...(await readForm(post({ "content-type": FORM })))]).toEqual([]);
  });

  test("any other type is a 415", async () => {
    const err = await readForm(post({ "content-type": "application/json" }, "{}")).catch((e) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(415);
  });

  test("a body over 16 KiB is a 413, declared or streamed without a length", async () => {
    const declared = await readForm(
      post({ "content-type": FORM, "content-length": String(16 * 1024 + 1) }, "key=x"),
    ).catch((e) => e);
    expect(declared.status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(4096).fill(97));
      },
    });
    const streamed = await readForm(post({ "content-type": FORM }, endless)).catch((e) => e);
    expect(streamed).toBeInstanceOf(HttpError);
    expect(streamed.status).toBe(413);
    // It stopped reading at the bound, not at the end of a body that has none.
    expect(pulled).toBeLessThan(10);
    const exact = await readForm(post({ "content-type": FORM }, `k=${"a".repeat(16 * 1024 - 2)}`));
    expect(exact.get("k")?.length).toBe(16 * 1024 - 2);
  });
});
