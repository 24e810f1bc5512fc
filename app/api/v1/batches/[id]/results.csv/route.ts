// GET /api/v1/batches/{id}/results.csv — one row per uploaded line, in upload order (UTF-8 with BOM), streamed
import { withAuth } from "@/lib/api";
import { batchResultsHandler } from "@/lib/batches/results-export";

export const GET = withAuth<{ id: string }>(batchResultsHandler("csv"));
