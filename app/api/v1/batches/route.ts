// POST /api/v1/batches — create a draft batch and price it (nothing is placed)
import { parseJson, withAuth } from "@/lib/api";
import { createDraft } from "@/lib/batches/create-draft";
import { createDraftSchema } from "@/lib/batches/schemas";

export const POST = withAuth(async ({ req, user, db }) => {
  const input = await parseJson(req, createDraftSchema);
  return Response.json(await createDraft(db, user, input), { status: 201 });
});
