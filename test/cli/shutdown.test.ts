// Graceful stop as Fly and LiteFS deliver it, run from source (the binary runs the same cases).

import { describe } from "bun:test";
import { gracefulStopCases } from "../fixtures/graceful-stop.ts";
import { CLI } from "../fixtures/process.ts";

describe("graceful stop (bun src/cli.ts)", () => {
  gracefulStopCases(() => CLI);
});
