/**
 * The spend ledger, derived from orders every time (so it cannot drift from them): what the upstream
 * charged for — orders placed (submitted, completed, rejected) — per day, per service and per operator.
 * Uncertain orders, and uncertain orders a person wrote off, may have been charged: they are shown apart,
 * and `upTo` counts them in, so no order that may have cost money drops out of the figures. A scope
 * limits it to one operator's orders.
 */
import { Prisma } from "@/lib/generated/sqlite/client";
import { ownerWhere, type OwnerScope } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { toDecimalString } from "@/lib/money";
import { CHARGED_STATES } from "@/lib/orders/states";

export type SpendRow = { key: string; label: string; orders: number; spend: string };
export type SpendReport = {
  from: string;
  total: { orders: number; spend: string };
  uncertain: { orders: number; spend: string };
  /** Written off by a person within the period: possibly charged. */
  writtenOff: { orders: number; spend: string };
  /** Placed, uncertain and written off together: the most the period may have cost. */
  upTo: { orders: number; spend: string };
  byDay: SpendRow[];
  byService: SpendRow[];
  byOperator: SpendRow[];
};

type Grouped = { key: string; orders: bigint | number; spend: bigint | number | null };

export async function getSpendReport(
  db: Db,
  scope: OwnerScope,
  options: { days?: number; now?: Date } = {},
): Promise<SpendReport> {
  const now = options.now ?? new Date();
  const from = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((options.days ?? 30) - 1)),
  );
  const charged = Prisma.join([...CHARGED_STATES]);
  const day =
    db.provider === "sqlite"
      ? Prisma.sql`substr("placedAt", 1, 10)`
      : Prisma.sql`to_char("placedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const owner = scope.ownerId === undefined ? Prisma.empty : Prisma.sql`AND "ownerId" = ${scope.ownerId}`;
  const groupBy = (column: Prisma.Sql) =>
    db.prisma.$queryRaw<Grouped[]>`
      SELECT ${column} AS "key", COUNT(*) AS "orders", SUM("priceMicros") AS "spend"
      FROM "Order" WHERE "state" IN (${charged}) AND "placedAt" >= ${from} ${owner}
      GROUP BY 1 ORDER BY 1`;
  const [byDay, byService, byOwner, uncertain, writtenOff, services, users] = await Promise.all([
    groupBy(day),
    groupBy(Prisma.sql`"serviceId"`),
    groupBy(Prisma.sql`"ownerId"`),
    db.prisma.order.aggregate({
      where: { state: "uncertain", ...ownerWhere(scope) },
      _count: true,
      _sum: { priceMicros: true },
    }),
    db.prisma.order.aggregate({
      where: { state: "failed", errorKind: "written_off", finishedAt: { gte: from }, ...ownerWhere(scope) },
      _count: true,
      _sum: { priceMicros: true },
    }),
    db.prisma.service.findMany({ select: { id: true, title: true } }),
    db.prisma.user.findMany({ select: { id: true, email: true } }),
  ]);
  const titles = new Map(services.map((s) => [s.id, s.title]));
  const emails = new Map(users.map((u) => [u.id, u.email]));
  const rows = (list: Grouped[], label: (key: string) => string): SpendRow[] =>
    list.map((g) => ({
      key: g.key,
      label: label(g.key),
      orders: Number(g.orders),
      spend: toDecimalString(BigInt(g.spend ?? 0)),
    }));
  const totalMicros = byDay.reduce((sum, g) => sum + BigInt(g.spend ?? 0), 0n);
  const totalOrders = byDay.reduce((n, g) => n + Number(g.orders), 0);
  const uncertainMicros = uncertain._sum.priceMicros ?? 0n;
  const writtenOffMicros = writtenOff._sum.priceMicros ?? 0n;
  return {
    from: from.toISOString().slice(0, 10),
    total: { orders: totalOrders, spend: toDecimalString(totalMicros) },
    uncertain: { orders: uncertain._count, spend: toDecimalString(uncertainMicros) },
    writtenOff: { orders: writtenOff._count, spend: toDecimalString(writtenOffMicros) },
    upTo: {
      orders: totalOrders + uncertain._count + writtenOff._count,
      spend: toDecimalString(totalMicros + uncertainMicros + writtenOffMicros),
    },
    byDay: rows(byDay, (k) => k).reverse(),
    byService: rows(byService, (k) => titles.get(k) ?? k).sort((a, b) => b.orders - a.orders),
    byOperator: rows(byOwner, (k) => emails.get(k) ?? k).sort((a, b) => b.orders - a.orders),
  };
}
