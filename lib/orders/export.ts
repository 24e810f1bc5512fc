/** The order history as CSV, as a person asks for it: every export is audited before a row leaves. */
import "server-only";
import { recordAudit } from "@/lib/admin/audit";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { exportOrdersCsv, type OrderFilter } from "./queries";

/**
 * Records who exported what (the query as it was sent), then streams the filtered history; paging
 * (`cursor`, `limit`) does not apply to an export. The first page is read before this returns, so a
 * failure there becomes an error answer rather than a cut-off file under a 200.
 */
export async function exportOrders(
  db: Db,
  user: AppUser,
  filter: OrderFilter,
  sentQuery: Record<string, string>,
): Promise<AsyncGenerator<string>> {
  const { cursor: _cursor, limit: _limit, ...unpaged } = filter;
  await recordAudit(db, { actorId: user.id, action: "orders.export", details: { filter: sentQuery } });
  const rows = exportOrdersCsv(db, unpaged);
  const first = await rows.next();
  return (async function* () {
    if (first.done) return;
    yield first.value;
    yield* rows;
  })();
}
