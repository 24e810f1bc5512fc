// POST /api/v1/orders/resolve-bulk — one decision for many uncertain orders; the answer says what happened to each
import { parseJson, withAuth } from "@/lib/api";
import { resolveUncertainBulk } from "@/lib/orders/resolve-bulk";
import { bulkResolveSchema } from "@/lib/orders/schemas";

export const POST = withAuth(async ({ req, user, db, upstream, engine }) => {
  const result = await resolveUncertainBulk(db, upstream, user, await parseJson(req, bulkResolveSchema));
  if (result.action === "not_placed" && result.resolved > 0) engine?.worker.nudge();
  return Response.json(result);
});
