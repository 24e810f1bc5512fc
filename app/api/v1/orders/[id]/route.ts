// GET /api/v1/orders/{id} — one order with its full state history (another's order is a 404)
import { withAuth } from "@/lib/api";
import { ownerScopeFor } from "@/lib/auth/permissions";
import { getOrder } from "@/lib/orders/queries";

export const GET = withAuth<{ id: string }>(async ({ user, db, params }) =>
  Response.json(await getOrder(db, params.id, await ownerScopeFor(db, user, "see"))),
);
