// GET /api/v1/orders — order history with filters (imei list, status, service, batch, dates), paged; the
// orders the user may see only
import { parseQuery, withAuth } from "@/lib/api";
import { ownerScopeFor } from "@/lib/auth/permissions";
import { listOrders } from "@/lib/orders/queries";
import { orderFilterSchema } from "@/lib/orders/schemas";

export const GET = withAuth(async ({ req, user, db }) => {
  const filter = parseQuery(req, orderFilterSchema);
  return Response.json(await listOrders(db, filter, await ownerScopeFor(db, user, "see")));
});
