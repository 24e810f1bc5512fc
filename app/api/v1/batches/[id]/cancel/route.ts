// POST /api/v1/batches/{id}/cancel — cancel the orders not yet being placed (the owner's or an admin's)
import { withAuth } from "@/lib/api";
import { actingScopeOf } from "@/lib/auth/permissions";
import { cancelBatch } from "@/lib/batches/cancel";
import { getBatchProgress } from "@/lib/batches/progress";

export const POST = withAuth<{ id: string }>(async ({ user, db, params }) => {
  await cancelBatch(db, user, params.id);
  return Response.json(await getBatchProgress(db, params.id, actingScopeOf(user)));
});
