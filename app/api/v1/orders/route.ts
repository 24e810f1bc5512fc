// GET /api/v1/orders — order history with filters (imei list, status, service, batch, dates), paged
import { parseQuery, withAuth } from "@/lib/api";
import { listOrders } from "@/lib/orders/queries";
import { orderFilterSchema } from "@/lib/orders/schemas";

export const GET = withAuth(async ({ req, db }) =>
  Response.json(await listOrders(db, parseQuery(req, orderFilterSchema))),
);
