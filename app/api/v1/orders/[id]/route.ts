// GET /api/v1/orders/{id} — one order with its full state history
import { withAuth } from "@/lib/api";
import { getOrder } from "@/lib/orders/queries";

export const GET = withAuth<{ id: string }>(async ({ db, params }) =>
  Response.json(await getOrder(db, params.id)),
);
