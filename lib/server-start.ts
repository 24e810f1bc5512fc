/**
 * What the Next.js server does once at start (imported by instrumentation.ts on the Node.js runtime only):
 * check the configuration (one clear line and exit on a bad value), stop believing X-Forwarded-* headers
 * from peers that are not TRUSTED_PROXIES, apply migrations, and start the order engine in this process
 * unless WORKER_ENABLED=false.
 */
import { guardForwardedHeaders } from "@/lib/auth/client-address";
import { getDb } from "@/lib/db";
import { checkWebServerEnv, EnvError, getEnv, type Env } from "@/lib/env";
import { startEngine, stopEngineOnSignals } from "@/lib/orders/engine";
import { getUpstream } from "@/lib/upstream";

export async function startServer(): Promise<void> {
  let env: Env;
  try {
    env = getEnv();
    checkWebServerEnv(env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  guardForwardedHeaders(env.auth.trustedProxies);
  const db = await getDb();
  if (!env.workerEnabled) return;
  const engine = startEngine(db, getUpstream(), { concurrency: env.submitConcurrency });
  // `npm start` and the demo set NEXT_MANUAL_SIG_HANDLE so that SIGTERM lets calls in flight finish and be
  // recorded before the process exits (Next.js would exit at once). Without it, leases keep orders safe.
  if (env.manualSignalHandling) stopEngineOnSignals(engine);
}
