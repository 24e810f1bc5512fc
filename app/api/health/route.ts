// GET /api/health — liveness for load balancers and people: database reachable, upstream breaker state
import { withoutAuth } from "@/lib/api";
import { checkHealth } from "@/lib/admin/health";

export const dynamic = "force-dynamic";

export const GET = withoutAuth(async ({ db, upstream }) => {
  const health = await checkHealth(db, upstream);
  return Response.json(health, { status: health.db === "ok" ? 200 : 503 });
});
