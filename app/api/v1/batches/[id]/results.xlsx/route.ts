// GET /api/v1/batches/{id}/results.xlsx — one row per uploaded line, in upload order, as a spreadsheet, streamed
import { withAuth } from "@/lib/api";
import { batchResultsHandler } from "@/lib/batches/results-export";

export const GET = withAuth<{ id: string }>(batchResultsHandler("xlsx"));
