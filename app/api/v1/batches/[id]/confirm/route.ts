// POST /api/v1/batches/{id}/confirm — the operator's consent: queue the draft's orders for placing
import { z } from "zod";
import { parseJson, withAuth } from "@/lib/api";
import { confirmBatch } from "@/lib/batches/drafts";
import { getBatchProgress } from "@/lib/batches/progress";
import { getEnv } from "@/lib/env";
import { parseMoney } from "@/lib/money";

const confirmSchema = z.object({ reorderRepeats: z.boolean().optional() }).strict();

export const POST = withAuth<{ id: string }>(async ({ req, user, db, engine, params }) => {
  const body = await parseJson(req, confirmSchema, { emptyAs: {} });
  const limit = getEnv().dailySpendLimit;
  await confirmBatch(db, user, params.id, {
    reorderRepeats: body.reorderRepeats,
    shopDailyLimitMicros: limit ? parseMoney(limit) : null,
  });
  engine?.worker.nudge();
  return Response.json(await getBatchProgress(db, params.id), { status: 202 });
});
