/**
 * Reading orders: the history filters, one order with its events, the CSV export, and the reads the
 * worker, status sync and resolving need (every write lives in transitions/).
 */
import { ownerWhere, type OwnerScope } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { toDecimalString } from "@/lib/money";
import { readOrderResult } from "./result";
import type { ApiOrder, OrderDetail, OrderFilter, OrdersPage, SyncFilter } from "./schemas";
import type { OrderState } from "./states";

export type { ApiOrder, OrderDetail, OrderFilter } from "./schemas";

function whereOf(filter: Omit<OrderFilter, "cursor" | "limit">, scope: OwnerScope) {
  return {
    ...ownerWhere(scope),
    state: filter.status ? filter.status : { not: "draft" },
    ...(filter.imei?.length ? { imei: { in: filter.imei } } : {}),
    ...(filter.serviceId ? { serviceId: filter.serviceId } : {}),
    ...(filter.batchId ? { batchId: filter.batchId } : {}),
    ...(filter.overdue ? { overdue: filter.overdue === "true" } : {}),
    ...(filter.from || filter.to
      ? {
          createdAt: {
            ...(filter.from ? { gte: filter.from } : {}),
            ...(filter.to ? { lte: filter.to } : {}),
          },
        }
      : {}),
  };
}

type OrderRow = {
  id: string;
  batchId: string;
  imei: string;
  line: number;
  serviceId: string;
  state: string;
  upstreamOrderId: string | null;
  upstreamStatus: string | null;
  code: string | null;
  result: string | null;
  placedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  priceMicros: bigint;
  errorKind: string | null;
  errorMessage: string | null;
  overdue: boolean;
};

export function toApiOrder(o: OrderRow): ApiOrder {
  return {
    id: o.id,
    batchId: o.batchId,
    imei: o.imei,
    line: o.line,
    serviceId: o.serviceId,
    state: o.state as OrderState,
    upstreamOrderId: o.upstreamOrderId,
    upstreamStatus: o.upstreamStatus,
    code: o.code,
    result: readOrderResult(o),
    placedAt: o.placedAt?.toISOString() ?? null,
    finishedAt: o.finishedAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    price: toDecimalString(o.priceMicros),
    overdue: o.overdue,
    errorKind: o.errorKind,
    errorMessage: o.errorMessage,
  };
}

/** Newest first, keyset-paged on (createdAt, id) so pages stay stable while orders arrive. */
export async function listOrders(db: Db, filter: OrderFilter, scope: OwnerScope): Promise<OrdersPage> {
  const rows = await db.prisma.order.findMany({
    where: whereOf(filter, scope),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, filter.limit);
  return {
    orders: page.map(toApiOrder),
    nextCursor: rows.length > filter.limit ? page[page.length - 1]!.id : null,
  };
}

/** An event's actor as people read it: a user's name, the order engine, or the system; never an id. */
function describeActor(actor: string | null, nameOf: Map<string, string>): string | null {
  if (!actor) return null;
  if (actor.startsWith("user:")) return nameOf.get(actor) ?? "a deleted user";
  if (actor.startsWith("worker:")) return "order engine";
  return "system";
}

/** One order with its history; an order outside the scope is a 404, as one that does not exist. */
export async function getOrder(db: Db, id: string, scope: OwnerScope): Promise<OrderDetail> {
  const row = await db.prisma.order.findFirst({
    where: { id, ...ownerWhere(scope) },
    include: { events: { orderBy: { createdAt: "asc" } }, service: { select: { title: true } } },
  });
  if (!row) throw notFound("Order");
  const userIds = row.events.flatMap((e) => (e.actor?.startsWith("user:") ? [e.actor.slice(5)] : []));
  const users = await db.prisma.user.findMany({
    where: { id: { in: [...new Set(userIds)] } },
    select: { id: true, name: true, email: true },
  });
  const nameOf = new Map(users.map((u) => [`user:${u.id}`, u.name || u.email]));
  return {
    ...toApiOrder(row),
    serviceTitle: row.service.title,
    attempts: row.attempts,
    events: row.events.map((e) => ({
      from: e.fromState as OrderState | null,
      to: e.toState as OrderState,
      actor: e.actor,
      actorName: describeActor(e.actor, nameOf),
      reason: e.reason,
      at: e.createdAt.toISOString(),
    })),
  };
}

export const EXPORT_COLUMNS = [
  "SERVICE",
  "IMEI NO.",
  "CREDITS",
  "STATUS",
  "CODE",
  "IMEI 2",
  "CARRIER",
  "SIMLOCK",
  "MODEL",
  "FMI",
  "ORDER DATE",
  "UPSTREAM ID",
  "STATE",
] as const;

function csvCell(value: string | null | undefined): string {
  const text = value ?? "";
  // A leading =, +, - or @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The export in the site's "Advanced Export" column order (plus our ids), streamed page by page so
 * 20,000 rows never sit in memory at once.
 */
export async function* exportOrdersCsv(
  db: Db,
  filter: Omit<OrderFilter, "cursor" | "limit">,
  scope: OwnerScope,
): AsyncGenerator<string> {
  yield EXPORT_COLUMNS.join(",") + "\r\n";
  const titles = new Map(
    (await db.prisma.service.findMany({ select: { id: true, title: true } })).map((s) => [s.id, s.title]),
  );
  let cursor: string | undefined;
  for (;;) {
    const rows = await db.prisma.order.findMany({
      where: whereOf(filter, scope),
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 1_000,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (rows.length === 0) return;
    let chunk = "";
    for (const o of rows) {
      const r = readOrderResult(o);
      chunk +=
        [
          titles.get(o.serviceId) ?? o.serviceId,
          o.imei,
          `$${toDecimalString(o.priceMicros)}`,
          o.upstreamStatus ?? o.state,
          r?.text.split("\n").join(" - "),
          r?.imei2,
          r?.carrier,
          r?.simLock,
          r?.model,
          r?.fmi,
          (o.placedAt ?? o.createdAt).toISOString().replace("T", " ").slice(0, 19),
          o.upstreamOrderId,
          o.state,
        ]
          .map(csvCell)
          .join(",") + "\r\n";
    }
    yield chunk;
    cursor = rows[rows.length - 1]!.id;
  }
}

/** Which placed orders status sync asks about; a filter means "now, whatever their schedule". */

/** A leased `submitted` order with what status sync needs to schedule its next check. */
export type DueOrder = {
  id: string;
  batchId: string;
  upstreamOrderId: string;
  checkCount: number;
  placedAt: Date | null;
  deliveryTime: string;
  deliveryMaxMins: number | null;
};

export async function listDueOrders(db: Db, orderIds: string[]): Promise<DueOrder[]> {
  const rows = await db.prisma.order.findMany({
    where: { id: { in: orderIds } },
    select: {
      id: true,
      batchId: true,
      upstreamOrderId: true,
      checkCount: true,
      placedAt: true,
      service: { select: { deliveryTime: true, deliveryMaxMins: true } },
    },
  });
  return rows.map((r) => ({
    id: r.id,
    batchId: r.batchId,
    upstreamOrderId: r.upstreamOrderId!,
    checkCount: r.checkCount,
    placedAt: r.placedAt,
    deliveryTime: r.service.deliveryTime,
    deliveryMaxMins: r.service.deliveryMaxMins,
  }));
}

/** Ids of unfinished placed orders matching the filter within the scope, the ones due longest ago first. */
export async function listSubmittedOrderIds(
  db: Db,
  filter: SyncFilter,
  limit: number,
  scope: OwnerScope,
): Promise<string[]> {
  const rows = await db.prisma.order.findMany({
    where: {
      ...ownerWhere(scope),
      state: "submitted",
      upstreamOrderId: { not: null },
      ...(filter.batchId ? { batchId: filter.batchId } : {}),
      ...(filter.orderIds ? { id: { in: filter.orderIds } } : {}),
    },
    select: { id: true },
    orderBy: { nextCheckAt: "asc" },
    take: limit,
  });
  return rows.map((r) => r.id);
}

export type ActiveBatch = {
  id: string;
  ownerId: string;
  priority: number;
  lastServedAt: Date | null;
  state: string;
};

/** Queued or running batches with at least one queued order that is free to claim now. */
export async function listBatchesWithWork(db: Db, now = new Date()): Promise<ActiveBatch[]> {
  return db.prisma.batch.findMany({
    where: {
      state: { in: ["queued", "running"] },
      orders: {
        some: {
          state: "queued",
          AND: [
            { OR: [{ notBefore: null }, { notBefore: { lte: now } }] },
            { OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }] },
          ],
        },
      },
    },
    select: { id: true, ownerId: true, priority: true, lastServedAt: true, state: true },
  });
}

/** Whether the order was ever `uncertain` (its history says so). */
export async function hasBeenUncertain(db: Db, orderId: string): Promise<boolean> {
  return (await db.prisma.orderEvent.count({ where: { orderId, toState: "uncertain" } })) > 0;
}

export async function isUpstreamOrderIdTaken(db: Db, upstreamOrderId: string): Promise<boolean> {
  return (await db.prisma.order.findUnique({ where: { upstreamOrderId } })) !== null;
}
