// HEAD answers with the headers GET would send, Content-Length included, over a real socket.

import { afterEach, expect, test } from "bun:test";
import { listen, type Site, startSite, treeHandler } from "./fixtures/site.ts";

let site: Site | undefined;
let server: ReturnType<typeof listen> | undefined;
afterEach(async () => {
  await server?.stop();
  await site?.close();
  site = server = undefined;
});

const comparable = (res: Response) =>
  Object.fromEntries([...res.headers].filter(([name]) => name !== "date"));

test("HEAD and GET agree on every header of a cached page, a 404 and robots.txt", async () => {
  site = startSite({ handler: treeHandler, ops: { botPolicy: "cached" } });
  server = listen(site);
  const url = server.url;
  expect((await fetch(`${url}/`)).status).toBe(200);
  for (const [path, encoding] of [
    ["/", "br"],
    ["/", "identity"],
    ["/never-linked.html", "identity"],
    ["/robots.txt", "identity"],
  ] as const) {
    const init = { headers: { "accept-encoding": encoding }, decompress: false };
    const get = await fetch(`${url}${path}`, init);
    const bytes = (await get.arrayBuffer()).byteLength;
    const head = await fetch(`${url}${path}`, { ...init, method: "HEAD" });
    expect(await head.text()).toBe("");
    expect({ path, encoding, status: head.status, headers: comparable(head) }).toEqual({
      path,
      encoding,
      status: get.status,
      headers: comparable(get),
    });
    expect(Number(head.headers.get("content-length"))).toBe(bytes);
    expect(bytes).toBeGreaterThan(0);
  }
});
