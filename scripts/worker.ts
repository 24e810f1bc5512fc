// npm run worker — the order engine as its own process (any number of them on one PostgreSQL database).
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { startEngine, stopEngineOnSignals } from "@/lib/orders/engine";
import { getUpstream } from "@/lib/upstream";
import { runCli } from "./cli";

await runCli(async () => {
  const env = getEnv();
  const db = await getDb();
  const engine = startEngine(db, getUpstream(), { concurrency: env.submitConcurrency });
  console.log(
    `worker ${engine.worker.workerId} running (concurrency ${env.submitConcurrency}); SIGTERM stops it gracefully`,
  );
  stopEngineOnSignals(engine, () => {
    void db.close().finally(() => process.exit(0));
  });
});
