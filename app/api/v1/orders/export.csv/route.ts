// GET /api/v1/orders/export.csv — the filtered history as CSV (UTF-8 with BOM), streamed
import { withAuth } from "@/lib/api";
import { exportOrdersHandler } from "@/lib/orders/export";

export const GET = withAuth(exportOrdersHandler("csv"));
