// GET /api/v1/batches/{id}/orders — the batch's orders in upload order (or by IMEI or state), a page at a time
import { parseQuery, withAuth } from "@/lib/api";
import { listBatchOrders } from "@/lib/batches/orders";
import { batchOrdersQuerySchema } from "@/lib/batches/schemas";

export const GET = withAuth<{ id: string }>(async ({ req, user, db, params }) =>
  Response.json(await listBatchOrders(db, user, params.id, parseQuery(req, batchOrdersQuerySchema))),
);
