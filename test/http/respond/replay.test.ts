// What a LiteFS replica answers for a request only the primary can serve
// (http/respond/replay.ts): Fly replays it there once, and never loops.

import { describe, expect, test } from "bun:test";
import { replayResponse } from "../../../src/http/respond/replay.ts";

const req = (headers: Record<string, string> = {}) =>
  new Request("http://rabbithole.test/a.html", { headers });

describe("replayResponse", () => {
  test("409 with fly-replay naming the primary, never cached, no body", async () => {
    const res = replayResponse(req(), "machine-1");
    expect(res.status).toBe(409);
    expect(res.headers.get("fly-replay")).toBe("instance=machine-1");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toBe("");
  });

  test("a request already replayed once is not bounced again: 503, try again in a second", async () => {
    const res = replayResponse(req({ "fly-replay-src": "instance=machine-2" }), "machine-1");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.has("fly-replay")).toBe(false);
    expect(await res.text()).toContain("primary is moving");
  });

  test("with no primary known there is nowhere to send it: 503 too", () => {
    const res = replayResponse(req(), "");
    expect(res.status).toBe(503);
    expect(res.headers.has("fly-replay")).toBe(false);
  });
});
