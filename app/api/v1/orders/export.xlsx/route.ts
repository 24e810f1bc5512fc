// GET /api/v1/orders/export.xlsx — the filtered history as an Excel workbook, streamed
import { withAuth } from "@/lib/api";
import { exportOrdersHandler } from "@/lib/orders/export";

export const GET = withAuth(exportOrdersHandler("xlsx"));
