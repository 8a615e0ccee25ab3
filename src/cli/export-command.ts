// `rabbithole export DIR [--from PATH] [--site-url URL] [--force]`: checks what the user gave,
// shows progress on a terminal, and ends with a summary (export/export.ts does the work).

import { defineCommand } from "citty";
import { resolveDbConfig } from "../config/config.ts";
import { UsageError } from "../core/errors.ts";
import { bytes, plural, usd, whole } from "../core/format.ts";
import { VERSION } from "../core/version.ts";
import { type ExportSummary, exportSite } from "../export/export.ts";
import { MISSING_FILE } from "../export/files.ts";
import { dbArgs, jsonArg } from "./args.ts";
import { keyOf } from "./db-commands.ts";

/** An http(s) URL without query or fragment, ending in "/" so that paths append to it. */
export function siteUrlOf(raw: string): string {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.host) {
    throw new UsageError(`--site-url "${raw}" is not an http(s) URL, like https://example.com/`);
  }
  if (url.search || url.hash || raw.includes("#")) {
    throw new UsageError(`--site-url "${raw}" has a query or fragment; give the site's address`);
  }
  const href = url.href;
  return href.endsWith("/") ? href : `${href}/`;
}

function fromKey(raw: string): string {
  try {
    return keyOf(raw);
  } catch (err) {
    throw new UsageError(`--from ${(err as Error).message}`);
  }
}

export function summaryText(s: ExportSummary, siteUrl: string | null): string {
  const lines = [
    `exported ${plural(s.pages, "page")} (${bytes(s.bytes)}, ${usd(s.costUsd, true)} to generate) to ${s.dir}`,
  ];
  if (s.replaced > 0) lines.push(`replaced an earlier export (${plural(s.replaced, "file")})`);
  lines.push(
    s.missingLinks === 0
      ? "every link leads to an exported page"
      : `${plural(s.missingLinks, "link")} to ${plural(s.missingPages, "page")} not in the export ` +
          `lead to ${MISSING_FILE} (listed in manifest.json)`,
  );
  const urls = siteUrl
    ? `URLs under ${siteUrl}`
    : "relative URLs: give --site-url for absolute ones";
  lines.push(`sitemap.xml (${urls}), robots.txt, manifest.json`);
  return lines.join("\n");
}

/** A progress line on a terminal, redrawn at most ten times a second; nothing otherwise. */
function progressLine(): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (!tty || (now - last < 100 && done < total)) return;
      last = now;
      shown = true;
      process.stderr.write(`\rexporting ${whole(done)} / ${whole(total)} pages`);
    },
    end() {
      if (shown) process.stderr.write("\r\x1b[K");
    },
  };
}

export const exportCommand = defineCommand({
  meta: { name: "export", description: "Write the cached site as static files into DIR" },
  args: {
    dir: { type: "positional", required: false, description: "The directory to write to" },
    from: {
      type: "string",
      valueHint: "path",
      description: "Export one subtree: this page and the pages it led to",
    },
    "site-url": {
      type: "string",
      valueHint: "url",
      description: "Where the export will be served: absolute URLs in sitemap.xml",
    },
    force: {
      type: "boolean",
      description: "Write into a non-empty DIR (an earlier export there is replaced)",
    },
    ...dbArgs,
    ...jsonArg,
  },
  run({ args }) {
    const [dir, extra] = args._;
    if (!dir) throw new UsageError("export needs a directory, like: rabbithole export ./site");
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const { dbPath } = resolveDbConfig(args, process.env);
    const siteUrl = args["site-url"] === undefined ? null : siteUrlOf(args["site-url"]);
    const from = args.from === undefined ? null : fromKey(args.from);
    const progress = progressLine();
    const summary = (() => {
      try {
        return exportSite({
          dbPath,
          dir,
          from,
          siteUrl,
          force: args.force === true,
          generator: `rabbithole ${VERSION}`,
          onProgress: progress.update,
        });
      } finally {
        progress.end();
      }
    })();
    const text =
      args.json === true ? JSON.stringify(summary, null, 2) : summaryText(summary, siteUrl);
    process.stdout.write(`${text}\n`);
  },
});
