// POST /api/v1/orders/sync — "Sync now": ask the upstream about unfinished placed orders at once (those
// the user may see)
import { parseJson, withAuth } from "@/lib/api";
import { ownerScopeFor } from "@/lib/auth/permissions";
import { syncOrdersSchema } from "@/lib/orders/schemas";
import { syncNow } from "@/lib/orders/sync";

export const POST = withAuth(async ({ req, user, db, upstream }) => {
  const filter = await parseJson(req, syncOrdersSchema, { emptyAs: {} });
  return Response.json(await syncNow(db, upstream, filter, await ownerScopeFor(db, user, "see")));
});
