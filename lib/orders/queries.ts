/**
 * Reading orders: the history filters, one order with its events, the pages exports read, and the reads the
 * worker, status sync and resolving need (every write lives in transitions/).
 */
import { ownerWhere, type OwnerScope } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { sqlList } from "@/lib/db/sql-list";
import { Prisma } from "@/lib/generated/sqlite/client";
import { AppError, notFound } from "@/lib/errors";
import { toDecimalString } from "@/lib/money";
import { readOrderResult } from "./result";
import { createdRangeOf, orderFilterIssues } from "./schemas";
import type { ApiOrder, OrderDetail, OrderFilter, OrderSort, OrdersPage, SyncFilter } from "./schemas";
import { searchKey } from "./search-key";
import type { OrderState } from "./states";

export type { ApiOrder, OrderDetail, OrderFilter } from "./schemas";

/**
 * What the history's reads take: the filter without its paging (`sort` defaults to newest first). The
 * exports pass the same filter, so every filter holds for them too.
 */
export type UnpagedFilter = Omit<OrderFilter, "cursor" | "before" | "limit" | "sort"> & { sort?: OrderSort };

/** A filter whose fields contradict each other (`from` after `to`, …) is a 422 naming them. */
function assertConsistent(filter: Parameters<typeof orderFilterIssues>[0]): void {
  const issues = orderFilterIssues(filter);
  if (issues.length > 0)
    throw new AppError("validation_failed", `${issues[0]!.field}: ${issues[0]!.message}`, { issues });
}

/**
 * The history filter within the scope, as SQL conditions, all ANDed. Each filter leads an index (see
 * lib/orders/README.md); the IMEI list is one parameter however long (lib/db/sql-list.ts).
 */
function whereOf(db: Db, filter: UnpagedFilter, scope: OwnerScope): Prisma.Sql {
  assertConsistent(filter);
  const state = filter.state ?? filter.status;
  const conditions = [state ? Prisma.sql`"state" = ${state}` : Prisma.sql`"state" <> 'draft'`];
  const { ownerId } = ownerWhere(scope);
  if (ownerId !== undefined) conditions.push(Prisma.sql`"ownerId" = ${ownerId}`);
  // ANDed with the scope: another operator's id as `operator` finds nothing for an operator.
  if (filter.operator) conditions.push(Prisma.sql`"ownerId" = ${filter.operator}`);
  if (filter.imei?.length) conditions.push(Prisma.sql`"imei" IN ${sqlList(db.provider, filter.imei)}`);
  // Digits only (schemas.ts), so no LIKE wildcard can come from the request. A substring cannot seek an
  // index; as a subquery it scans the narrow (imei, id) index instead of the table (5-7x faster, README).
  if (filter.q)
    conditions.push(Prisma.sql`"id" IN (SELECT "id" FROM "Order" WHERE "imei" LIKE ${`%${filter.q}%`})`);
  if (filter.upstreamStatus) conditions.push(Prisma.sql`"upstreamStatus" = ${filter.upstreamStatus}`);
  if (filter.serviceId) conditions.push(Prisma.sql`"serviceId" = ${filter.serviceId}`);
  if (filter.batchId) conditions.push(Prisma.sql`"batchId" = ${filter.batchId}`);
  if (filter.overdue) conditions.push(Prisma.sql`"overdue" = ${filter.overdue === "true"}`);
  const { createdFrom, createdBefore } = createdRangeOf(filter);
  if (createdFrom) conditions.push(Prisma.sql`"createdAt" >= ${createdFrom}`);
  if (createdBefore) conditions.push(Prisma.sql`"createdAt" < ${createdBefore}`);
  if (filter.carrier) conditions.push(Prisma.sql`"carrierKey" = ${searchKey(filter.carrier)}`);
  if (filter.simLock) conditions.push(Prisma.sql`"simLockKey" = ${searchKey(filter.simLock)}`);
  if (filter.fmi) conditions.push(Prisma.sql`"fmiKey" = ${searchKey(filter.fmi)}`);
  if (filter.model) conditions.push(Prisma.sql`"modelKey" = ${searchKey(filter.model)}`);
  return Prisma.join(conditions, " AND ");
}

/** Each sort's keyset: its columns (the order id last, so the order is total) and their direction. */
const SORT_KEYS: Record<OrderSort, { columns: readonly string[]; descending: boolean }> = {
  newest: { columns: ["createdAt", "id"], descending: true },
  oldest: { columns: ["createdAt", "id"], descending: false },
  imei: { columns: ["imei", "id"], descending: false },
};

/**
 * The rows on one side of the order `id` in the sort: `after` it (further along) or `before` it. The
 * cursor order is read within the scope: another's order id as a cursor gives an empty page.
 */
function beyond(scope: OwnerScope, sort: OrderSort, id: string, side: "after" | "before"): Prisma.Sql {
  const { columns, descending } = SORT_KEYS[sort];
  const list = Prisma.raw(columns.map((c) => `"${c}"`).join(", "));
  const { ownerId } = ownerWhere(scope);
  const owner = ownerId === undefined ? Prisma.empty : Prisma.sql`AND "ownerId" = ${ownerId}`;
  const op = Prisma.raw((side === "after") === descending ? "<" : ">");
  return Prisma.sql`(${list}) ${op} (SELECT ${list} FROM "Order" WHERE "id" = ${id} ${owner})`;
}

/**
 * Up to `take` matching orders in the filter's sort, after the order `cursor` (or, with `before`, the
 * `take` orders just before that order, still in sort order). The ids are picked in SQL (Prisma would
 * refuse a long IMEI list with orderBy and take), then the rows are read by id: a page is at most 501 ids,
 * which Prisma's own `in` handles. The exports page through it with `cursor` alone.
 */
export async function readOrderPage(
  db: Db,
  filter: UnpagedFilter,
  scope: OwnerScope,
  page: { cursor?: string; before?: string; take: number },
) {
  const sort = filter.sort ?? "newest";
  const { columns, descending } = SORT_KEYS[sort];
  const backwards = page.before !== undefined;
  const keyset = page.before
    ? Prisma.sql`AND ${beyond(scope, sort, page.before, "before")}`
    : page.cursor
      ? Prisma.sql`AND ${beyond(scope, sort, page.cursor, "after")}`
      : Prisma.empty;
  const direction = descending !== backwards ? "DESC" : "ASC";
  const order = Prisma.raw(columns.map((c) => `"${c}" ${direction}`).join(", "));
  const picked = await db.prisma.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Order" WHERE ${whereOf(db, filter, scope)} ${keyset}
    ORDER BY ${order}
    LIMIT ${page.take}`;
  if (backwards) picked.reverse();
  if (picked.length === 0) return [];
  const rows = await db.prisma.order.findMany({ where: { id: { in: picked.map((p) => p.id) } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return picked.flatMap((p) => byId.get(p.id) ?? []);
}

/** How many orders match the filter within the scope. */
export async function countOrders(db: Db, filter: UnpagedFilter, scope: OwnerScope): Promise<number> {
  const [row] = await db.prisma.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS "n" FROM "Order" WHERE ${whereOf(db, filter, scope)}`;
  return Number(row?.n ?? 0);
}

/** How many matching orders come before the order `id` in the filter's sort (a page's offset). */
export async function countOrdersBefore(
  db: Db,
  filter: UnpagedFilter,
  scope: OwnerScope,
  id: string,
): Promise<number> {
  const [row] = await db.prisma.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS "n" FROM "Order"
    WHERE ${whereOf(db, filter, scope)} AND ${beyond(scope, filter.sort ?? "newest", id, "before")}`;
  return Number(row?.n ?? 0);
}

async function existsBeyond(
  db: Db,
  filter: UnpagedFilter,
  scope: OwnerScope,
  id: string,
  side: "after" | "before",
): Promise<boolean> {
  const rows = await db.prisma.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Order"
    WHERE ${whereOf(db, filter, scope)} AND ${beyond(scope, filter.sort ?? "newest", id, side)} LIMIT 1`;
  return rows.length > 0;
}

/**
 * The listed IMEIs (each once, in the list's order) that no order matching the whole filter holds within
 * the scope: an IMEI ordered only outside the other filters (another day, another service) is named too.
 */
async function imeisNotFound(db: Db, filter: UnpagedFilter, scope: OwnerScope): Promise<string[]> {
  const listed = [...new Set(filter.imei ?? [])];
  if (listed.length === 0) return [];
  const found = await db.prisma.$queryRaw<{ imei: string }[]>`
    SELECT DISTINCT "imei" FROM "Order" WHERE ${whereOf(db, filter, scope)}`;
  const seen = new Set(found.map((r) => r.imei));
  return listed.filter((imei) => !seen.has(imei));
}

/**
 * One page of the history in the filter's sort, keyset-paged both ways (`cursor` forward, `before` back,
 * so pages stay put while orders arrive), with the total and, for an IMEI list, the IMEIs not found.
 */
export async function listOrders(db: Db, filter: OrderFilter, scope: OwnerScope): Promise<OrdersPage> {
  const { cursor, before, limit, ...unpaged } = filter;
  assertConsistent(filter);
  const [rows, total, notFound] = await Promise.all([
    readOrderPage(db, unpaged, scope, { cursor, before, take: limit + 1 }),
    countOrders(db, unpaged, scope),
    unpaged.imei?.length ? imeisNotFound(db, unpaged, scope) : undefined,
  ]);
  // The extra row read says whether more lie in the direction read; the other side is asked.
  const page = before ? rows.slice(Math.max(0, rows.length - limit)) : rows.slice(0, limit);
  const first = page[0]?.id;
  const last = page[page.length - 1]?.id;
  const moreAhead = before
    ? last !== undefined && (await existsBeyond(db, unpaged, scope, last, "after"))
    : rows.length > limit;
  const moreBehind = before
    ? rows.length > limit
    : cursor !== undefined &&
      first !== undefined &&
      (await existsBeyond(db, unpaged, scope, first, "before"));
  return {
    orders: page.map(toApiOrder),
    total,
    nextCursor: moreAhead ? last! : null,
    prevCursor: moreBehind ? first! : null,
    ...(notFound ? { notFound } : {}),
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
  settleNote: string | null;
  reusedFromId: string | null;
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
    settleNote: o.settleNote,
    reusedFromId: o.reusedFromId,
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
    include: {
      events: { orderBy: { createdAt: "asc" } },
      service: { select: { title: true } },
      batch: { select: { sourceName: true } },
    },
  });
  if (!row) throw notFound("Order");
  const userIds = row.events.flatMap((e) => (e.actor?.startsWith("user:") ? [e.actor.slice(5)] : []));
  const users = await db.prisma.user.findMany({
    where: { id: { in: [...new Set(userIds)] } },
    select: { id: true, name: true, email: true },
  });
  const nameOf = new Map(users.map((u) => [`user:${u.id}`, u.name || u.email]));
  const earlier = row.reusedFromId
    ? await db.prisma.order.findUnique({ where: { id: row.reusedFromId } })
    : null;
  const earlierVisible =
    earlier !== null &&
    (await db.prisma.order.count({ where: { id: earlier.id, ...ownerWhere(scope) } })) === 1;
  return {
    ...toApiOrder(row),
    serviceTitle: row.service.title,
    batchSourceName: row.batch.sourceName,
    attempts: row.attempts,
    checkCount: row.checkCount,
    lastCheckedAt: row.lastCheckedAt?.toISOString() ?? null,
    // Only an order waiting for its result is checked again.
    nextCheckAt: row.state === "submitted" ? (row.nextCheckAt?.toISOString() ?? null) : null,
    reusedFrom: earlier
      ? {
          id: earlierVisible ? earlier.id : null,
          upstreamOrderId: earlier.upstreamOrderId,
          upstreamStatus: earlier.upstreamStatus,
          state: earlier.state as OrderState,
          code: earlier.code,
          result: readOrderResult(earlier),
          placedAt: earlier.placedAt?.toISOString() ?? null,
        }
      : null,
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
  const { ownerId } = ownerWhere(scope);
  const byOwner = ownerId !== undefined ? Prisma.sql`AND "ownerId" = ${ownerId}` : Prisma.empty;
  const byBatch = filter.batchId ? Prisma.sql`AND "batchId" = ${filter.batchId}` : Prisma.empty;
  const byIds = filter.orderIds
    ? Prisma.sql`AND "id" IN ${sqlList(db.provider, filter.orderIds)}`
    : Prisma.empty;
  const rows = await db.prisma.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "Order"
    WHERE "state" = 'submitted' AND "upstreamOrderId" IS NOT NULL ${byOwner} ${byBatch} ${byIds}
    ORDER BY "nextCheckAt"
    LIMIT ${limit}`;
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

/** An order a bulk decision names: by id, or (pasted pairs) by IMEI among the uncertain ones. */
export type DecisionCandidate = { id: string; imei: string; state: OrderState };

/**
 * The orders among `ids` the scope may act on (any state, so an own decided order is named as such), or
 * the scope's uncertain orders for `imeis`. Another's order is simply not returned, as an unknown id.
 */
export async function findDecisionCandidates(
  db: Db,
  scope: OwnerScope,
  by: { ids: string[] } | { imeis: string[] },
): Promise<DecisionCandidate[]> {
  const { ownerId } = ownerWhere(scope);
  const owner = ownerId === undefined ? Prisma.empty : Prisma.sql`AND "ownerId" = ${ownerId}`;
  const match =
    "ids" in by
      ? Prisma.sql`"id" IN ${sqlList(db.provider, by.ids)}`
      : Prisma.sql`"imei" IN ${sqlList(db.provider, by.imeis)} AND "state" = 'uncertain'`;
  return db.prisma.$queryRaw<DecisionCandidate[]>`
    SELECT "id", "imei", "state" FROM "Order" WHERE ${match} ${owner} ORDER BY "createdAt", "id"`;
}

/** Most uncertain orders the needs-attention list shows at once (a bulk decision takes up to 1,000). */
export const ATTENTION_PAGE = 500;

export type AttentionOrder = {
  id: string;
  imei: string;
  line: number;
  serviceTitle: string;
  batchId: string;
  batchName: string;
  ownerEmail: string;
  /** When it became uncertain (its latest move there). */
  since: Date;
  /** Why: the failure that left the outcome unknown. */
  why: string | null;
  waiting: string | null;
};

/** The uncertain orders the scope may decide, oldest first, optionally of one batch, with their total. */
export async function listAttentionOrders(
  db: Db,
  scope: OwnerScope,
  filter: { batchId?: string } = {},
): Promise<{ orders: AttentionOrder[]; total: number }> {
  const where = {
    state: "uncertain",
    ...ownerWhere(scope),
    ...(filter.batchId ? { batchId: filter.batchId } : {}),
  };
  const [rows, total] = await Promise.all([
    db.prisma.order.findMany({
      where,
      orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
      take: ATTENTION_PAGE,
      include: {
        service: { select: { title: true } },
        batch: { select: { sourceName: true, owner: { select: { email: true } } } },
        events: { where: { toState: "uncertain" }, orderBy: { createdAt: "desc" }, take: 1 },
      },
    }),
    db.prisma.order.count({ where }),
  ]);
  return {
    total,
    orders: rows.map((o) => ({
      id: o.id,
      imei: o.imei,
      line: o.line,
      serviceTitle: o.service.title,
      batchId: o.batchId,
      batchName: o.batch.sourceName,
      ownerEmail: o.batch.owner.email,
      since: o.events[0]?.createdAt ?? o.updatedAt,
      why: o.errorMessage,
      // What the automatic settlement waits for, when it could not decide (lib/orders/settle.ts).
      waiting: o.settleNote,
    })),
  };
}

/** An uncertain order as the settlement needs it: its IMEI, its service's title and its window evidence. */
export type SettleCandidate = {
  id: string;
  batchId: string;
  imei: string;
  serviceId: string;
  serviceTitle: string;
  scanFrom: bigint | null;
  settleAfter: Date;
  settleNote: string | null;
  checkCount: number;
};

export async function listSettleCandidates(db: Db, ids: string[]): Promise<SettleCandidate[]> {
  if (ids.length === 0) return [];
  const rows = await db.prisma.order.findMany({
    where: { id: { in: ids }, state: "uncertain", settleAfter: { not: null } },
    select: {
      id: true,
      batchId: true,
      imei: true,
      serviceId: true,
      scanFrom: true,
      settleAfter: true,
      settleNote: true,
      checkCount: true,
      service: { select: { title: true } },
    },
  });
  return rows.map(({ service, settleAfter, ...r }) => ({
    ...r,
    serviceTitle: service.title,
    settleAfter: settleAfter!,
  }));
}

/** The highest upstream id this app knows (any order's), or null before the first. */
export async function findHighestUpstreamSeq(db: Db): Promise<bigint | null> {
  const top = await db.prisma.order.aggregate({ _max: { upstreamSeq: true } });
  return top._max.upstreamSeq ?? null;
}

/** The lowest upstream id this app knows, or null before the first. */
export async function findLowestUpstreamSeq(db: Db): Promise<bigint | null> {
  const bottom = await db.prisma.order.aggregate({ _min: { upstreamSeq: true } });
  return bottom._min.upstreamSeq ?? null;
}

// Ids come in increasing with time, so the lowest of the first few calls sent after a moment is the bound.
const HI_SAMPLE = 50;

/**
 * `hi`: the lowest upstream id received from a call sent after `after` (any such id is above every id a
 * call that could no longer create an order created). Null when no call sent after it has an id yet.
 */
export async function findLowestSeqSentAfter(db: Db, after: Date): Promise<bigint | null> {
  const rows = await db.prisma.order.findMany({
    where: { submittingAt: { gt: after }, upstreamSeq: { not: null } },
    orderBy: { submittingAt: "asc" },
    take: HI_SAMPLE,
    select: { upstreamSeq: true },
  });
  let lowest: bigint | null = null;
  for (const r of rows) if (lowest === null || r.upstreamSeq! < lowest) lowest = r.upstreamSeq;
  return lowest;
}

/** The upstream ids this app already holds strictly between `from` and `to` (numerically). */
export async function listOwnedSeqsBetween(db: Db, from: bigint, to: bigint): Promise<Set<bigint>> {
  const rows = await db.prisma.order.findMany({
    where: { upstreamSeq: { gt: from, lt: to } },
    select: { upstreamSeq: true },
  });
  return new Set(rows.map((r) => r.upstreamSeq!));
}
