/**
 * Status sync's statements: leasing due `submitted` orders (no state change: the next check is pushed
 * forward), submitted → completed | rejected, and the next check of an order still open.
 */
import { Prisma } from "@/lib/generated/sqlite/client";
import type { Db } from "@/lib/db";
import { sqlList } from "@/lib/db/sql-list";
import { resultColumnsOf } from "../result";
import type { OrderResult } from "../schemas";
import { searchKey } from "../search-key";
import type { SyncFilter } from "../schemas";

/**
 * Picks up to `limit` submitted orders that are due (all matching ones with a filter, whatever their
 * schedule) and pushes their next check out by `leaseMs` as a lease, so several processes do not ask
 * twice. The pick is a MATERIALIZED CTE so PostgreSQL runs it once (see claimQueuedOrders).
 */
export async function leaseDueOrders(
  db: Db,
  input: { limit: number; filter: SyncFilter; leaseMs: number; now: Date },
): Promise<string[]> {
  const { filter, now } = input;
  const leaseUntil = new Date(now.getTime() + input.leaseMs);
  const due =
    filter.batchId || filter.orderIds
      ? Prisma.empty
      : Prisma.sql`AND ("nextCheckAt" IS NULL OR "nextCheckAt" <= ${now})`;
  const byBatch = filter.batchId ? Prisma.sql`AND "batchId" = ${filter.batchId}` : Prisma.empty;
  const byIds = filter.orderIds
    ? Prisma.sql`AND "id" IN ${sqlList(db.provider, filter.orderIds)}`
    : Prisma.empty;
  const lock = db.provider === "postgresql" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const leased = await db.write(
    (prisma) =>
      prisma.$queryRaw<{ id: string }[]>`
      WITH "picked" AS MATERIALIZED (
        SELECT "id" FROM "Order"
        WHERE "state" = 'submitted' AND "upstreamOrderId" IS NOT NULL ${due} ${byBatch} ${byIds}
        ORDER BY "nextCheckAt"
        LIMIT ${input.limit}
        ${lock}
      )
      UPDATE "Order" SET "nextCheckAt" = ${leaseUntil}
      WHERE "id" IN (SELECT "id" FROM "picked") AND "state" = 'submitted'
      RETURNING "id"`,
  );
  return leased.map((r) => r.id);
}

/**
 * submitted → completed | rejected with the upstream's raw code, the parsed result (JSON) and its filtered
 * fields; their search keys are computed here by the database (`searchKey`, as the backfill and filters do).
 */
export async function recordFinalStatus(
  db: Db,
  input: {
    orderId: string;
    status: "completed" | "rejected";
    code: string | null;
    /** The parsed code: stored as JSON, and its filtered fields in their own columns, in one statement. */
    parsed: OrderResult | null;
    overdue: boolean;
    now: Date;
  },
): Promise<boolean> {
  const { status, now } = input;
  const fields = resultColumnsOf(input.parsed);
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = ${status}, "upstreamStatus" = ${status}, "code" = ${input.code},
        "result" = ${input.parsed ? JSON.stringify(input.parsed) : null}, "carrier" = ${fields.carrier}, "simLock" = ${fields.simLock},
        "fmi" = ${fields.fmi}, "model" = ${fields.model}, "carrierKey" = ${searchKey(fields.carrier)},
        "simLockKey" = ${searchKey(fields.simLock)}, "fmiKey" = ${searchKey(fields.fmi)},
        "modelKey" = ${searchKey(fields.model)}, "finishedAt" = ${now}, "lastCheckedAt" = ${now}, "nextCheckAt" = NULL,
        "checkCount" = "checkCount" + 1, "overdue" = ${input.overdue}, "updatedAt" = ${now},
        "stateActor" = 'sync', "stateReason" = ${`upstream status ${status}`}
      WHERE "id" = ${input.orderId} AND "state" = 'submitted'`,
  );
  return count === 1;
}

/** A submitted order still open (or not found upstream): no state change, the next check is scheduled. */
export async function scheduleNextCheck(
  db: Db,
  input: { orderId: string; upstreamStatus: string | null; nextCheckAt: Date; overdue: boolean; now: Date },
): Promise<void> {
  await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "upstreamStatus" = COALESCE(${input.upstreamStatus}, "upstreamStatus"), "lastCheckedAt" = ${input.now},
        "nextCheckAt" = ${input.nextCheckAt}, "checkCount" = "checkCount" + 1, "overdue" = ${input.overdue}
      WHERE "id" = ${input.orderId} AND "state" = 'submitted'`,
  );
}
