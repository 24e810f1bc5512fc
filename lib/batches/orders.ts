/** A batch's orders as its page lists them: in upload order (or sorted by IMEI or state), a page at a time. */
import { findBatchFor, ownerScopeFor, ownerWhere } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { toApiOrder } from "@/lib/orders/queries";
import type { BatchOrdersPage, BatchOrdersQuery } from "./schemas";

/**
 * One page of the orders of a batch the user may see (another's is the unknown-id 404). A skipped repeat
 * comes with the earlier order whose result it reuses. Sorting by IMEI or state keeps upload order within.
 */
export async function listBatchOrders(
  db: Db,
  user: AppUser,
  batchId: string,
  query: BatchOrdersQuery,
): Promise<BatchOrdersPage> {
  const batch = await findBatchFor(db, user, batchId, "see");
  const where = {
    batchId: batch.id,
    ...(query.state ? { state: query.state } : { state: { not: "draft" } }),
  };
  const byLine = { line: query.sort === "line" ? query.dir : "asc" } as const;
  const orderBy =
    query.sort === "imei"
      ? [{ imei: query.dir }, byLine]
      : query.sort === "state"
        ? [{ state: query.dir }, byLine]
        : [byLine];
  const [total, rows] = await Promise.all([
    db.prisma.order.count({ where }),
    db.prisma.order.findMany({ where, orderBy, skip: (query.page - 1) * query.limit, take: query.limit }),
  ]);
  const earlierIds = [...new Set(rows.flatMap((r) => (r.reusedFromId ? [r.reusedFromId] : [])))];
  // At most one page (500) of ids: within Prisma's own `in` bound.
  const earlier = new Map(
    (earlierIds.length > 0 ? await db.prisma.order.findMany({ where: { id: { in: earlierIds } } }) : []).map(
      (o) => [o.id, toApiOrder(o)],
    ),
  );
  // Another operator's earlier order lends its answer, not a link the viewer cannot open.
  const visible = new Set(
    earlierIds.length > 0
      ? (
          await db.prisma.order.findMany({
            where: { id: { in: earlierIds }, ...ownerWhere(await ownerScopeFor(db, user, "see")) },
            select: { id: true },
          })
        ).map((o) => o.id)
      : [],
  );
  return {
    orders: rows.map((row) => {
      const from = row.reusedFromId ? earlier.get(row.reusedFromId) : undefined;
      return {
        ...toApiOrder(row),
        reusedFrom: from
          ? {
              id: visible.has(from.id) ? from.id : null,
              batchId: visible.has(from.id) ? from.batchId : null,
              state: from.state,
              upstreamOrderId: from.upstreamOrderId,
              upstreamStatus: from.upstreamStatus,
              result: from.result,
              placedAt: from.placedAt,
              createdAt: from.createdAt,
            }
          : null,
      };
    }),
    total,
    page: query.page,
    pageCount: Math.ceil(total / query.limit),
  };
}
