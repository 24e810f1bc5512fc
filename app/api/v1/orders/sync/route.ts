// POST /api/v1/orders/sync — "Sync now": ask the upstream about unfinished placed orders at once (those
// the user may see)
import { parseJson, withAuth } from "@/lib/api";
import { ownerScopeFor } from "@/lib/auth/permissions";
import { syncOrdersSchema } from "@/lib/orders/schemas";
import { requestSyncNow } from "@/lib/orders/sync-now";

export const POST = withAuth(async ({ req, user, db, upstream }) => {
  const filter = await parseJson(req, syncOrdersSchema, { emptyAs: {} });
  return Response.json(
    await requestSyncNow(db, upstream, user, filter, await ownerScopeFor(db, user, "see")),
  );
});
