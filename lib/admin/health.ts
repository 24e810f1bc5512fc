/**
 * Liveness for load balancers and people: the database reachable, and the upstream's circuit breaker as
 * this process last saw it (the upstream itself is not called, so a health probe costs it nothing).
 */
import type { Db } from "@/lib/db";
import type { GsmFusionClient, UpstreamHealth } from "@/lib/gsmfusion";

export type Health = {
  /** `degraded`: the database is fine but calls to the upstream are paused (breaker open). */
  status: "ok" | "degraded" | "down";
  db: "ok" | "down";
  upstream: Pick<UpstreamHealth, "state" | "lastSuccessAt" | "latencyMs">;
};

/** `openDb` may reject: a database that cannot be opened is reported `down`, not thrown. */
export async function checkHealth(openDb: () => Promise<Db>, upstream: GsmFusionClient): Promise<Health> {
  let db: Health["db"] = "ok";
  try {
    const conn = await openDb();
    await conn.prisma.$queryRawUnsafe("SELECT 1");
  } catch {
    db = "down";
  }
  const { state, lastSuccessAt, latencyMs } = upstream.getHealth();
  const status = db === "ok" ? (state === "open" ? "degraded" : "ok") : "down";
  return { status, db, upstream: { state, lastSuccessAt, latencyMs } };
}
