// POST /api/v1/orders/{id}/resolve — a person decides an uncertain order: placed (verified), not placed, or write off
import { parseJson, withAuth } from "@/lib/api";
import { actingScopeOf } from "@/lib/auth/permissions";
import { getOrder } from "@/lib/orders/queries";
import { resolveUncertain } from "@/lib/orders/resolve";
import { resolveSchema } from "@/lib/orders/schemas";

export const POST = withAuth<{ id: string }>(async ({ req, user, db, upstream, engine, params }) => {
  await resolveUncertain(db, upstream, user, params.id, await parseJson(req, resolveSchema));
  engine?.worker.nudge();
  return Response.json(await getOrder(db, params.id, actingScopeOf(user)));
});
