// POST /api/v1/orders/{id}/resolve — a person decides an uncertain order: placed (verified), not placed, or write off
import { parseJson, withAuth } from "@/lib/api";
import { getOrder } from "@/lib/orders/queries";
import { resolveUncertain } from "@/lib/orders/resolve";
import { resolveSchema } from "@/lib/orders/schemas";
import { getEngine } from "@/lib/orders/engine";
import { getUpstream } from "@/lib/upstream";

export const POST = withAuth<{ id: string }>(async ({ req, user, db, params }) => {
  await resolveUncertain(db, getUpstream(), user, params.id, await parseJson(req, resolveSchema));
  getEngine()?.worker.nudge();
  return Response.json(await getOrder(db, params.id));
});
