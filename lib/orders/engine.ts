/**
 * The background machinery of one process: the submission worker, the status sync and the catalogue
 * refresh. Started by instrumentation.ts inside the Next.js server and by `npm run worker`.
 */
import type { Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { GsmFusionClient } from "@/lib/gsmfusion";
import { log } from "@/lib/log";
import { startCatalogueRefreshLoop } from "@/lib/services/catalogue";
import { Settlement } from "./settle";
import { StatusSync } from "./sync";
import { SubmissionWorker } from "./worker";

export type Engine = {
  worker: SubmissionWorker;
  sync: StatusSync;
  settlement: Settlement;
  stop(): Promise<void>;
};

const CATALOGUE_REFRESH_MS = 10 * 60_000;
const globalForEngine = globalThis as unknown as { imeiDeskEngine?: Engine };

export function startEngine(
  db: Db,
  upstream: GsmFusionClient,
  options: {
    concurrency: number;
    submitLeaseMs?: number;
    claimLeaseMs?: number;
    settleMarginMs?: number;
    settleIntervalMs?: number;
  },
): Engine {
  if (globalForEngine.imeiDeskEngine) return globalForEngine.imeiDeskEngine;
  const env = getEnv();
  const worker = new SubmissionWorker({
    db,
    upstream,
    concurrency: options.concurrency,
    // Above the placeorder timeout, so a call still in flight never loses its lease.
    submitLeaseMs: options.submitLeaseMs ?? env.submitLeaseMs ?? env.upstream.placeOrderTimeoutMs + 60_000,
    claimLeaseMs: options.claimLeaseMs ?? env.claimLeaseMs,
    settleMarginMs: options.settleMarginMs ?? env.settleMarginMs,
    placeOrderTimeoutMs: env.upstream.placeOrderTimeoutMs,
  });
  const sync = new StatusSync(db, upstream);
  const settlement = new Settlement(db, upstream, { intervalMs: options.settleIntervalMs });
  const stopCatalogue = startCatalogueRefreshLoop(db, upstream, CATALOGUE_REFRESH_MS);
  worker.start();
  sync.start();
  settlement.start();
  log.info("order engine started", {
    workerId: worker.workerId,
    concurrency: options.concurrency,
    provider: db.provider,
  });
  const engine: Engine = {
    worker,
    sync,
    settlement,
    async stop() {
      stopCatalogue();
      await Promise.all([worker.stop(), sync.stop(), settlement.stop()]);
      globalForEngine.imeiDeskEngine = undefined;
      log.info("order engine stopped", { workerId: worker.workerId });
    },
  };
  globalForEngine.imeiDeskEngine = engine;
  return engine;
}

/** The engine running in this process, if any (the API nudges it after a confirm). */
export function getEngine(): Engine | undefined {
  return globalForEngine.imeiDeskEngine;
}

/** Stops the engine gracefully on SIGTERM/SIGINT: no new claims, calls in flight are recorded. */
export function stopEngineOnSignals(engine: Engine, then: () => void = () => process.exit(0)): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("stopping the order engine", { signal });
    void engine.stop().finally(then);
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
}
