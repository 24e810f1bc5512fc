// GET /api/v1/orders — order history with filters (imei list, status, service, batch, dates), paged
import { parseQuery, withAuth } from "@/lib/api";
import { listOrders, orderFilterSchema } from "@/lib/orders/queries";

export const GET = withAuth(async ({ req, db }) =>
  Response.json(await listOrders(db, parseQuery(req, orderFilterSchema))),
);
