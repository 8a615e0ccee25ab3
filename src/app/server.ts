import { existsSync } from "node:fs";
import type { Config } from "../config/config.ts";
import { UsageError } from "../core/errors.ts";
import type { LlmClient, Logger } from "../core/types.ts";
import { errorResponse } from "../http/respond/errors.ts";
import { retirementWarning } from "../llm/models.ts";
import { createOfflineClient } from "../llm/offline.ts";
import { explicitPrice, flatPrice, type Price, priceFor } from "../llm/prices.ts";
import { type Cluster, litefsCluster } from "../store/litefs.ts";
import { openRoleAwareStore } from "../store/role-aware.ts";
import type { Store } from "../store/store.ts";
import { lockDatabase, type WriterLock } from "../store/writer-lock.ts";
import { buildApp } from "./build.ts";
import { createMetrics, serveMetrics } from "./observability.ts";

export interface RunningServer {
  url: string;
  /**
   * Stops accepting, lets generations under way finish for at most `graceMs` (their money is
   * being spent), then closes connections and the database.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Production wiring: the writer lock, the real store and LLM client, `buildApp`, Bun.serve. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const cluster = litefsCluster(config.dbPath);
  const lock = await lockDatabase(config.dbPath);
  try {
    return await serveLocked(config, logger, cluster, lock);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function serveLocked(
  config: Config,
  logger: Logger,
  cluster: Cluster,
  lock: WriterLock,
): Promise<RunningServer> {
  // Checked before opening: opening creates the file, and a misconfigured start must not
  // leave an empty database behind for the next one to trip over.
  if (config.seed === null && cluster.role().primary && isNewFile(config.dbPath)) {
    throw noHomepage(config.dbPath);
  }
  const store = openRoleAwareStore(config.dbPath, cluster);
  try {
    if (cluster.role().primary) applySeed(store, config.seed, logger);
    else
      logger.info("this machine is a LiteFS replica: it serves cached pages, the primary writes");
    const llm = await createLlm(config);
    const retiring = retirementWarning(config.model, new Date().toISOString().slice(0, 10));
    if (retiring && !config.offline) logger.warn(retiring);
    const price = resolvePrice(config, llm, logger);
    warnIfUnbounded(config, llm, logger);
    const metrics = createMetrics(config.ops.metricsPort);
    const app = buildApp({ config, store, llm, price, logger, cluster, metrics });
    const server = Bun.serve({
      port: config.port,
      hostname: config.host,
      development: false,
      fetch: (req, srv) => app.fetch(req, srv),
      error: (err) => errorResponse(err, logger),
    });
    const metricsServer =
      metrics && config.ops.metricsPort !== null
        ? serveMetrics(metrics, app, cluster, config.ops.metricsPort, config.host)
        : null;
    const url = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${server.port}/`;
    logger.info(`rabbithole listening on ${url}`, {
      provider: llm.provider,
      model: llm.model,
      db: config.dbPath,
      mode: config.loadingPage ? "loading-page" : "live",
      metrics: metricsServer ? `:${metricsServer.port}/metrics` : "off",
      bots: config.ops.botPolicy,
    });
    return {
      url,
      async stop(graceMs = config.gracePeriodSec * 1000) {
        const closing = server.stop();
        let timer: Timer | undefined;
        const drained = await Promise.race([
          app.generator.drain().then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), graceMs);
          }),
        ]);
        clearTimeout(timer);
        if (!drained) {
          logger.warn("grace period over: abandoning generations under way", {
            inFlight: app.generator.inFlight,
          });
          // Aborted calls still land in the ledger with what they spent before the stop.
          app.generator.abortAll();
          await Promise.race([app.generator.drain(), Bun.sleep(1000)]);
          await server.stop(true);
        }
        await closing;
        await metricsServer?.stop();
        app.close();
        store.close();
        lock.release();
        logger.info("stopped");
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}

function applySeed(store: Store, seed: string | null, logger: Logger): void {
  if (seed === null) {
    if (!store.getMapping("/")) throw noHomepage(store.path);
    return;
  }
  const change = store.setSeed(seed);
  if (change === "updated") {
    logger.warn(
      "the seed changed: the prompt of / is updated; the cached homepage stays until " +
        "`rabbithole purge /`",
    );
  }
}

function noHomepage(dbPath: string): UsageError {
  return new UsageError(
    `the database "${dbPath}" has no homepage yet: give one with --seed "…" ` +
      "(or --seed-file, or RABBITHOLE_SEED)",
  );
}

// resolveDbPath never yields an empty path: only :memory: has no file to look for.
function isNewFile(dbPath: string): boolean {
  return dbPath !== ":memory:" && !existsSync(dbPath);
}

// Loaded only when used: the SDK is most of what an --offline start would otherwise parse.
async function createLlm(config: Config): Promise<LlmClient> {
  if (config.offline) return createOfflineClient();
  const common = {
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    model: config.model,
    stallMs: config.stallTimeoutSec * 1000,
    contextTokens: config.contextTokens,
  };
  if (config.provider === "openai") {
    const { createOpenAIClient } = await import("../llm/openai.ts");
    return createOpenAIClient(common);
  }
  const { createAnthropicClient } = await import("../llm/anthropic.ts");
  // A local server takes any key or none; the SDK wants one to send.
  return createAnthropicClient({
    ...common,
    apiKey: config.apiKey ?? "none",
    effort: config.effort,
    webTools: config.webTools,
  });
}

function resolvePrice(config: Config, llm: LlmClient, logger: Logger): Price | null {
  if (llm.free) return null;
  if (config.prices) {
    const given = llm.provider === "openai" ? flatPrice : explicitPrice;
    return given(config.prices.input, config.prices.output);
  }
  const price = priceFor(llm.model);
  if (price) return price;
  if (config.maxCostUsd !== null) {
    throw new UsageError(
      `--max-cost needs prices, and model "${llm.model}" is not in the price table: ` +
        "give them with --price-input and --price-output (USD per million tokens)",
    );
  }
  logger.warn(
    `no prices known for model "${llm.model}": spend is recorded as 0 (give --price-input ` +
      "and --price-output to count it)",
  );
  return null;
}

/**
 * Said once, at start-up, when nothing caps the spend. There is deliberately no default cap (a
 * daily one was considered): DESIGN.md fixes `--max-cost` as "none" by default, and a cap the
 * operator never chose would stop a site from growing with no one knowing why, which is the
 * very silence this replaces. What bounds spend without a cap is the rate of people's clicks:
 * crawlers, subresources and other sites never start a page, each client has --rate-limit, and
 * --max-concurrent caps generations at once. The operator is told plainly, once.
 */
function warnIfUnbounded(config: Config, llm: LlmClient, logger: Logger): void {
  if (llm.free || config.maxCostUsd !== null) return;
  logger.warn(
    "spending is unbounded: no --max-cost is set, so every new page is paid for without a " +
      "limit; set --max-cost USD (or RABBITHOLE_MAX_COST) to cap the total spend",
  );
}
