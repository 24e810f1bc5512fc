// Runs once when the Next.js server starts: checks the configuration (one clear line and exit on a bad
// value), applies migrations, and starts the order engine in this process unless WORKER_ENABLED=false.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv, EnvError } = await import("@/lib/env");
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  if (!env.workerEnabled) return;
  const { getUpstream } = await import("@/lib/upstream");
  const { startEngine, stopEngineOnSignals } = await import("@/lib/orders/engine");
  const engine = startEngine(db, getUpstream(), { concurrency: env.submitConcurrency });
  // `npm start` and the demo set NEXT_MANUAL_SIG_HANDLE so that SIGTERM lets calls in flight finish and be
  // recorded before the process exits (Next.js would exit at once). Without it, leases keep orders safe.
  if (process.env.NEXT_MANUAL_SIG_HANDLE) stopEngineOnSignals(engine);
}
