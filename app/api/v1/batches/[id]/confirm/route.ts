// POST /api/v1/batches/{id}/confirm — the operator's consent: queue the draft's orders for placing
import { parseJson, withAuth } from "@/lib/api";
import { actingScopeOf } from "@/lib/auth/permissions";
import { confirmBatch } from "@/lib/batches/confirm";
import { getBatchProgress } from "@/lib/batches/progress";
import { confirmBatchSchema } from "@/lib/batches/schemas";

export const POST = withAuth<{ id: string }>(async ({ req, user, db, upstream, engine, params }) => {
  const body = await parseJson(req, confirmBatchSchema, { emptyAs: {} });
  await confirmBatch(db, user, params.id, { ...body, upstream });
  engine?.worker.nudge();
  return Response.json(await getBatchProgress(db, params.id, actingScopeOf(user)), { status: 202 });
});
