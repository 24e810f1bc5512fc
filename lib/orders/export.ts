/** The order history as CSV, as a person asks for it: every export is audited before a row leaves. */
import "server-only";
import { recordAudit } from "@/lib/admin/audit";
import { coversEveryOwner, ownerScopeFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { exportOrdersCsv, type OrderFilter } from "./queries";

/**
 * Records who exported what (the query as it was sent, and whether it covered the whole shop or only the
 * user's own orders), then streams the filtered history the user may see; paging (`cursor`, `limit`) does
 * not apply to an export. The first page is read before this returns, so a failure there becomes an
 * error answer rather than a cut-off file under a 200.
 */
export async function exportOrders(
  db: Db,
  user: AppUser,
  filter: OrderFilter,
  sentQuery: Record<string, string>,
): Promise<AsyncGenerator<string>> {
  const { cursor: _cursor, limit: _limit, ...unpaged } = filter;
  const scope = await ownerScopeFor(db, user, "see");
  await recordAudit(db, {
    actorId: user.id,
    action: "orders.export",
    details: { filter: sentQuery, orders: coversEveryOwner(scope) ? "shop" : "own" },
  });
  const rows = exportOrdersCsv(db, unpaged, scope);
  const first = await rows.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* rows;
  })();
}
