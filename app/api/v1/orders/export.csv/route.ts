// GET /api/v1/orders/export.csv — the filtered history as CSV (the site's Advanced Export columns), streamed
import { parseQuery, withAuth } from "@/lib/api";
import { recordAudit } from "@/lib/admin/audit";
import { exportOrdersCsv } from "@/lib/orders/queries";
import { orderFilterSchema } from "@/lib/orders/schemas";

export const GET = withAuth(async ({ req, user, db }) => {
  const { cursor: _cursor, limit: _limit, ...filter } = parseQuery(req, orderFilterSchema);
  await recordAudit(db, {
    actorId: user.id,
    action: "orders.export",
    details: { filter: Object.fromEntries(new URL(req.url).searchParams) },
  });
  const encoder = new TextEncoder();
  const rows = exportOrdersCsv(db, filter);
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
