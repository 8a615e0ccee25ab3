// The baseline: a bare `Bun.serve` answering every path with one page's bytes from memory, with
// the content type rabbithole sends. What rabbithole adds on top of this is its own cost.
//
//   bun bench/bare-server.ts --file page.html --port 8081 --host 127.0.0.1
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    file: { type: "string" },
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
if (!values.file) throw new Error("--file is required");
const bytes = await Bun.file(values.file).bytes();
const headers = { "content-type": "text/html; charset=utf-8" };

const server = Bun.serve({
  port: Number(values.port),
  hostname: values.host,
  development: false,
  fetch: () => new Response(bytes, { headers }),
});
console.log(`bare server listening on ${server.url}`);
