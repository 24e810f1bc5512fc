/**
 * The settlement's statements (lib/orders/settle.ts): leasing due `uncertain` orders, and its three
 * decisions — linked to the upstream order found in the id window (uncertain → submitted), the call
 * created nothing (uncertain → queued), or left for a person with a note (no state change). Each is one
 * compare-and-set from `uncertain`, made as `system`, its evidence in `stateReason` (so in the history).
 */
import { Prisma } from "@/lib/generated/sqlite/client";
import type { Db } from "@/lib/db";
import { upstreamSeq } from "./submit";

/**
 * Picks up to `limit` uncertain orders whose `settleAfter` has passed and whose next attempt is due, and
 * pushes that attempt (`nextCheckAt`) out by `leaseMs`, so two processes do not scan for the same order.
 * `checkCount` counts the attempts (the back-off between them).
 */
export async function leaseSettleDue(
  db: Db,
  input: { limit: number; leaseMs: number; now: Date },
): Promise<string[]> {
  const { now } = input;
  const lock = db.provider === "postgresql" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const rows = await db.write(
    (prisma) => prisma.$queryRaw<{ id: string }[]>`
      WITH "picked" AS MATERIALIZED (
        SELECT "id" FROM "Order"
        WHERE "state" = 'uncertain' AND "settleAfter" IS NOT NULL AND "settleAfter" <= ${now}
          AND ("nextCheckAt" IS NULL OR "nextCheckAt" <= ${now})
        ORDER BY "settleAfter"
        LIMIT ${input.limit}
        ${lock}
      )
      UPDATE "Order" SET "nextCheckAt" = ${new Date(now.getTime() + input.leaseMs)}, "checkCount" = "checkCount" + 1
      WHERE "id" IN (SELECT "id" FROM "picked") AND "state" = 'uncertain'
      RETURNING "id"`,
  );
  return rows.map((r) => r.id);
}

/**
 * uncertain → submitted with the upstream order found for its IMEI and service in the id window. The
 * unique index on upstreamOrderId makes the statement fail if another order already holds the id.
 */
export async function linkFoundOrder(
  db: Db,
  input: {
    orderId: string;
    upstreamOrderId: string;
    upstreamStatus: string;
    nextCheckAt: Date;
    reason: string;
    now: Date;
  },
): Promise<boolean> {
  const { now } = input;
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'submitted', "upstreamOrderId" = ${input.upstreamOrderId},
        "upstreamSeq" = ${upstreamSeq(input.upstreamOrderId)}, "upstreamStatus" = ${input.upstreamStatus},
        "placedAt" = COALESCE("placedAt", ${now}), "nextCheckAt" = ${input.nextCheckAt}, "checkCount" = 0,
        "settleNote" = NULL, "errorKind" = NULL, "errorMessage" = NULL, "updatedAt" = ${now},
        "stateActor" = 'system', "stateReason" = ${input.reason}
      WHERE "id" = ${input.orderId} AND "state" = 'uncertain' AND "upstreamOrderId" IS NULL`,
  );
  return count === 1;
}

/**
 * uncertain → queued: the closed window holds every id the lost call could have created and none is this
 * IMEI's, so the call created nothing. If that were ever wrong, the upstream refuses the next call as a
 * duplicate and the worker hands the order to a person (`placed_earlier`): never a second charge.
 */
export async function requeueNotCreated(
  db: Db,
  input: { orderId: string; reason: string; now: Date },
): Promise<boolean> {
  const { now } = input;
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'queued', "notBefore" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
        "nextCheckAt" = NULL, "settleAfter" = NULL, "settleNote" = NULL, "updatedAt" = ${now},
        "stateActor" = 'system', "stateReason" = ${input.reason}
      WHERE "id" = ${input.orderId} AND "state" = 'uncertain' AND "upstreamOrderId" IS NULL`,
  );
  return count === 1;
}

/**
 * An uncertain order the settlement cannot decide now: why (`settleNote`, which the screens show) and when
 * it looks again. No state change. A null note clears it (the order is being settled again).
 */
export async function noteUnsettled(
  db: Db,
  input: { orderId: string; note: string | null; nextCheckAt: Date; now: Date },
): Promise<boolean> {
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "settleNote" = ${input.note}, "nextCheckAt" = ${input.nextCheckAt}, "updatedAt" = ${input.now}
      WHERE "id" = ${input.orderId} AND "state" = 'uncertain'`,
  );
  return count === 1;
}
