// POST /api/v1/batches/{id}/confirm — the operator's consent: queue the draft's orders for placing
import { parseJson, withAuth } from "@/lib/api";
import { confirmBatch } from "@/lib/batches/drafts";
import { getBatchProgress } from "@/lib/batches/progress";
import { confirmBatchSchema } from "@/lib/batches/schemas";
import { getEnv } from "@/lib/env";
import { parseMoney } from "@/lib/money";
import { getEngine } from "@/lib/orders/engine";

export const POST = withAuth<{ id: string }>(async ({ req, user, db, params }) => {
  const body = await parseJson(req, confirmBatchSchema, { emptyAs: {} });
  const limit = getEnv().dailySpendLimit;
  await confirmBatch(db, user, params.id, {
    reorderRepeats: body.reorderRepeats,
    shopDailyLimitMicros: limit ? parseMoney(limit) : null,
  });
  getEngine()?.worker.nudge();
  return Response.json(await getBatchProgress(db, params.id), { status: 202 });
});
