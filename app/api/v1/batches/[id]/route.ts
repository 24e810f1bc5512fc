// GET /api/v1/batches/{id} — progress counts and cost, from the stored orders (another's batch is a 404)
import { withAuth } from "@/lib/api";
import { ownerScopeFor } from "@/lib/auth/permissions";
import { getBatchProgress } from "@/lib/batches/progress";

export const GET = withAuth<{ id: string }>(async ({ user, db, params }) =>
  Response.json(await getBatchProgress(db, params.id, await ownerScopeFor(db, user, "see"))),
);
