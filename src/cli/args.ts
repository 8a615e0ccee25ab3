// The options of every command, with their help text. Each help line names the environment
// variable that can set it too, since deployments configure rabbithole through the environment.

import type { ArgsDef } from "citty";
import { DEFAULT_MODEL } from "../llm/prices.ts";

export const dbArgs = {
  db: {
    type: "string",
    valueHint: "path|url",
    description: "SQLite file, path or sqlite:// URL (env DATABASE_URL, default ./rabbithole.db)",
  },
} as const satisfies ArgsDef;

export const jsonArg = {
  json: { type: "boolean", description: "Print JSON for scripts" },
} as const satisfies ArgsDef;

export const maxCostArg = {
  "max-cost": {
    type: "string",
    valueHint: "usd",
    description: "Hard cap on total LLM spend in USD (env RABBITHOLE_MAX_COST, default none)",
  },
} as const satisfies ArgsDef;

// No citty `default`s: a default would hide whether the flag was given, and flags beat env.
export const serveArgs = {
  seed: {
    type: "string",
    valueHint: "text",
    description: "Prompt for the homepage / (env RABBITHOLE_SEED); needed while the db has none",
  },
  "seed-file": {
    type: "string",
    valueHint: "path",
    description: "Read the seed from a file instead (env RABBITHOLE_SEED_FILE)",
  },
  port: {
    type: "string",
    valueHint: "n",
    description: "Port to listen on (env PORT, default 8080)",
  },
  host: {
    type: "string",
    valueHint: "addr",
    description: "Address to bind (env HOST, default 0.0.0.0)",
  },
  ...dbArgs,
  model: {
    type: "string",
    valueHint: "id",
    description: `Anthropic model id (env RABBITHOLE_MODEL, default ${DEFAULT_MODEL})`,
  },
  effort: {
    type: "string",
    valueHint: "low|medium|high|xhigh|max",
    description:
      "Let the model think at this effort (env RABBITHOLE_EFFORT, default: the least thinking it allows)",
  },
  "max-tokens": {
    type: "string",
    valueHint: "n",
    description: "Output token cap per API call (env RABBITHOLE_MAX_TOKENS, default 8192)",
  },
  "depth-limit": {
    type: "string",
    valueHint: "n",
    description: "Deepest page, the homepage being 1 (env RABBITHOLE_DEPTH_LIMIT, default 5)",
  },
  ...maxCostArg,
  "web-tools": {
    type: "boolean",
    description: "Let Claude use web_search and web_fetch (env RABBITHOLE_WEB_TOOLS, default on)",
    negativeDescription: "Turn the web tools off (env RABBITHOLE_WEB_TOOLS=0)",
  },
  "four-oh-four": {
    type: "string",
    valueHint: "path",
    description: "HTML file served with 404 for unknown URLs (default: a built-in page)",
  },
  "loading-page": {
    type: "boolean",
    description:
      "Serve a loading page polling /__ready instead of streaming (env RABBITHOLE_LOADING_PAGE=1)",
  },
  offline: {
    type: "boolean",
    description: "Write placeholder pages without an API key, at zero cost",
  },
  "price-input": {
    type: "string",
    valueHint: "usd",
    description:
      "USD per million input tokens, for a model missing from the price table (env RABBITHOLE_PRICE_INPUT)",
  },
  "price-output": {
    type: "string",
    valueHint: "usd",
    description: "USD per million output tokens, with --price-input (env RABBITHOLE_PRICE_OUTPUT)",
  },
  "stall-timeout": {
    type: "string",
    valueHint: "seconds",
    description:
      "Fail an upstream stream silent for this long (env RABBITHOLE_STALL_TIMEOUT, default 120)",
  },
  "log-level": {
    type: "string",
    valueHint: "level",
    description: "error, warn, info or debug (env RABBITHOLE_LOG_LEVEL, default info)",
  },
  "log-format": {
    type: "string",
    valueHint: "json|pretty|auto",
    description:
      "JSON lines or readable lines; auto = JSON unless a terminal (env RABBITHOLE_LOG_FORMAT)",
  },
  "metrics-port": {
    type: "string",
    valueHint: "n",
    description: "Serve Prometheus metrics on this port (env RABBITHOLE_METRICS_PORT, default off)",
  },
  "bot-policy": {
    type: "string",
    valueHint: "cached|allow|deny",
    description:
      "Crawlers: cached pages only, like people, or nothing (env RABBITHOLE_BOT_POLICY, default cached)",
  },
  "robots-file": {
    type: "string",
    valueHint: "path",
    description: "Serve this file as /robots.txt (env RABBITHOLE_ROBOTS_FILE, default built-in)",
  },
  "rate-limit": {
    type: "string",
    valueHint: "per-minute",
    description:
      "New pages one client may start per minute, 0 = off (env RABBITHOLE_RATE_LIMIT, default 6)",
  },
  "rate-burst": {
    type: "string",
    valueHint: "n",
    description: "New pages one client may start at once (env RABBITHOLE_RATE_BURST, default 4)",
  },
  "max-concurrent": {
    type: "string",
    valueHint: "n",
    description: "Generations under way at once (env RABBITHOLE_MAX_CONCURRENT, default 8)",
  },
  queue: {
    type: "string",
    valueHint: "n",
    description: "New pages that may wait briefly for a slot (env RABBITHOLE_QUEUE, default 16)",
  },
  "cache-mb": {
    type: "string",
    valueHint: "MiB",
    description: "Memory for hot cached pages, all encodings (env RABBITHOLE_CACHE_MB, default 32)",
  },
  csp: {
    type: "string",
    valueHint: "policy|strict",
    description: "Content-Security-Policy for generated pages (env RABBITHOLE_CSP, default none)",
  },
  "grace-period": {
    type: "string",
    valueHint: "seconds",
    description:
      "On SIGINT/SIGTERM, how long generations under way may finish (env RABBITHOLE_GRACE_PERIOD, default 25)",
  },
} as const satisfies ArgsDef;

export const ENV_HELP = `

ENVIRONMENT

  ANTHROPIC_API_KEY       API key, required unless --offline
  ANTHROPIC_BASE_URL      API base URL, without /v1 (default https://api.anthropic.com)
  RABBITHOLE_ADMIN_TOKEN  Turns on /__admin for holders of this token (16+ characters)
  CONSOLA_LEVEL           Log level: error, warn, info, debug (default info)
`;
