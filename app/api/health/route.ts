// GET /api/health — liveness for load balancers and people: database reachable, upstream breaker state
import { getDb } from "@/lib/db";
import { getUpstream } from "@/lib/upstream";

export const dynamic = "force-dynamic";

export async function GET() {
  let db: "ok" | "down" = "ok";
  try {
    const conn = await getDb();
    await conn.prisma.$queryRawUnsafe("SELECT 1");
  } catch {
    db = "down";
  }
  const { state, lastSuccessAt, latencyMs } = getUpstream().getHealth();
  const status = db === "ok" ? (state === "open" ? "degraded" : "ok") : "down";
  return Response.json(
    { status, db, upstream: { state, lastSuccessAt, latencyMs } },
    { status: db === "ok" ? 200 : 503 },
  );
}
