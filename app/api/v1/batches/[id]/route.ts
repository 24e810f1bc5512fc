// GET /api/v1/batches/{id} — progress counts and cost, from the stored orders
import { withAuth } from "@/lib/api";
import { getBatchProgress } from "@/lib/batches/progress";

export const GET = withAuth<{ id: string }>(async ({ db, params }) =>
  Response.json(await getBatchProgress(db, params.id)),
);
