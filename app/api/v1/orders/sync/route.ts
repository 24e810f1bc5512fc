// POST /api/v1/orders/sync — "Sync now": ask the upstream about unfinished placed orders at once
import { z } from "zod";
import { parseJson, withAuth } from "@/lib/api";
import { syncNow } from "@/lib/orders/sync";

const syncSchema = z
  .object({
    batchId: z.string().min(1).optional(),
    orderIds: z.array(z.string().min(1)).max(20_000).optional(),
  })
  .strict();

export const POST = withAuth(async ({ req, db, upstream }) => {
  const filter = await parseJson(req, syncSchema, { emptyAs: {} });
  return Response.json(await syncNow(db, upstream, filter));
});
