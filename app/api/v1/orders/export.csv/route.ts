// GET /api/v1/orders/export.csv — the filtered history as CSV (the site's Advanced Export columns), streamed
import { parseQuery, withAuth } from "@/lib/api";
import { exportOrders } from "@/lib/orders/export";
import { orderFilterSchema } from "@/lib/orders/schemas";

export const GET = withAuth(async ({ req, user, db }) => {
  const sentQuery = Object.fromEntries(new URL(req.url).searchParams);
  const rows = await exportOrders(db, user, parseQuery(req, orderFilterSchema), sentQuery);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="imei-desk-orders-${stamp}.csv"`,
    },
  });
});
