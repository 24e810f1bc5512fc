/**
 * The submission worker's transitions: claim (a lease, the order stays `queued`), queued → submitting
 * before the call, then the answer — submitted, a final failure, or back to queued on proof the call was
 * not processed — and the lease sweeps.
 */
import { Prisma } from "@/lib/generated/sqlite/client";
import type { Db } from "@/lib/db";

export type ClaimedOrder = {
  id: string;
  batchId: string;
  serviceId: string;
  imei: string;
  attempts: number;
};

/**
 * Leases up to `limit` queued orders of one batch to a worker. A leased order stays `queued` (it was not
 * sent), so a lease that runs out simply frees it for another worker. PostgreSQL skips rows another
 * worker is claiming (FOR UPDATE SKIP LOCKED); SQLite's single UPDATE is atomic by itself.
 *
 * The pick is a MATERIALIZED CTE, run once: as `id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`
 * PostgreSQL may plan a nested-loop semi join that re-runs the subquery for every row, each run skipping
 * the rows already locked and taking the next n, so one claim leased a whole batch.
 */
export async function claimQueuedOrders(
  db: Db,
  input: { workerId: string; batchId: string; limit: number; leaseMs: number; now?: Date },
): Promise<ClaimedOrder[]> {
  const now = input.now ?? new Date();
  const leaseUntil = new Date(now.getTime() + input.leaseMs);
  const lockClause = db.provider === "postgresql" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
  const rows = await db.write(
    (prisma) =>
      prisma.$queryRaw<ClaimedOrder[]>`
      WITH "picked" AS MATERIALIZED (
        SELECT "id" FROM "Order"
        WHERE "batchId" = ${input.batchId} AND "state" = 'queued'
          AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" < ${now})
          AND ("notBefore" IS NULL OR "notBefore" <= ${now})
        ORDER BY "line"
        LIMIT ${input.limit}
        ${lockClause}
      )
      UPDATE "Order" SET "leaseOwner" = ${input.workerId}, "leaseExpiresAt" = ${leaseUntil}, "updatedAt" = ${now}
      WHERE "id" IN (SELECT "id" FROM "picked") AND "state" = 'queued'
      RETURNING "id", "batchId", "serviceId", "imei", "attempts"`,
  );
  return rows.map((r) => ({ ...r, attempts: Number(r.attempts) }));
}

/**
 * queued → submitting, committed BEFORE the upstream call. Only the lease holder can do it, once; from
 * here on a dead worker's order becomes `uncertain`, never `queued` again. The same statement stores the
 * settlement evidence: when the call is sent, and the highest upstream id known before it (`scanFrom`;
 * ids of concurrent answers not yet committed make it lower, which only widens the window).
 */
export async function markSubmitting(
  db: Db,
  input: { orderId: string; workerId: string; leaseMs: number; now?: Date },
): Promise<boolean> {
  const now = input.now ?? new Date();
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'submitting', "attempts" = "attempts" + 1,
        "leaseExpiresAt" = ${new Date(now.getTime() + input.leaseMs)}, "updatedAt" = ${now},
        "submittingAt" = ${now}, "scanFrom" = (SELECT MAX("upstreamSeq") FROM "Order"),
        "settleAfter" = NULL, "settleNote" = NULL,
        "stateActor" = ${`worker:${input.workerId}`}, "stateReason" = 'placing with the upstream'
      WHERE "id" = ${input.orderId} AND "state" = 'queued' AND "leaseOwner" = ${input.workerId}`,
  );
  return count === 1;
}

/**
 * submitting → submitted with the upstream order id. Also accepted from `uncertain` (with no id yet):
 * if a lease ran out while the answer was on its way, the answer is still the truth about a paid order.
 */
export async function recordPlaced(
  db: Db,
  input: {
    orderId: string;
    workerId: string;
    upstreamOrderId: string;
    upstreamStatus: string;
    nextCheckAt: Date;
    now?: Date;
  },
): Promise<boolean> {
  const now = input.now ?? new Date();
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'submitted', "upstreamOrderId" = ${input.upstreamOrderId},
        "upstreamSeq" = ${upstreamSeq(input.upstreamOrderId)}, "settleAfter" = NULL, "settleNote" = NULL,
        "upstreamStatus" = ${input.upstreamStatus}, "placedAt" = ${now}, "nextCheckAt" = ${input.nextCheckAt},
        "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "errorKind" = NULL, "errorMessage" = NULL, "updatedAt" = ${now},
        "stateActor" = ${`worker:${input.workerId}`}, "stateReason" = 'upstream accepted the order'
      WHERE "id" = ${input.orderId} AND "upstreamOrderId" IS NULL
        AND (("state" = 'submitting' AND "leaseOwner" = ${input.workerId}) OR "state" = 'uncertain')`,
  );
  return count === 1;
}

export type FinalFailure = {
  state: "duplicate" | "failed" | "uncertain";
  errorKind: string;
  errorMessage: string;
  /** An uncertain order the machine cannot settle: why a person must decide (`Order.settleNote`). */
  settleNote?: string;
};

/** The numeric copy of an upstream id (`Order.upstreamSeq`); null for one that is not all digits. */
export function upstreamSeq(upstreamOrderId: string): bigint | null {
  return /^\d{1,18}$/.test(upstreamOrderId) ? BigInt(upstreamOrderId) : null;
}

/**
 * submitting → duplicate | failed | uncertain, by the lease holder. An uncertain order gets `settleAfter`
 * (when the lost call can no longer create an order) for the settlement, or a `settleNote` for a person.
 */
export async function recordFailure(
  db: Db,
  input: { orderId: string; workerId: string; failure: FinalFailure; settleAfter?: Date; now?: Date },
): Promise<boolean> {
  const now = input.now ?? new Date();
  const { state, errorKind, errorMessage } = input.failure;
  const finishedAt = state === "uncertain" ? null : now;
  const settleNote = state === "uncertain" ? (input.failure.settleNote ?? null) : null;
  const settleAfter = state === "uncertain" && !settleNote ? (input.settleAfter ?? now) : null;
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = ${state}, "errorKind" = ${errorKind}, "errorMessage" = ${errorMessage},
        "settleAfter" = ${settleAfter}, "settleNote" = ${settleNote},
        "finishedAt" = ${finishedAt}, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ${now},
        "stateActor" = ${`worker:${input.workerId}`}, "stateReason" = ${errorMessage}
      WHERE "id" = ${input.orderId} AND "state" = 'submitting' AND "leaseOwner" = ${input.workerId}`,
  );
  return count === 1;
}

/** submitting → queued, only on proof the upstream did not process the call (429, 503, refused connection). */
export async function requeueNotProcessed(
  db: Db,
  input: {
    orderId: string;
    workerId: string;
    notBefore: Date;
    errorKind: string;
    errorMessage: string;
    now?: Date;
  },
): Promise<boolean> {
  const now = input.now ?? new Date();
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'queued', "notBefore" = ${input.notBefore}, "errorKind" = ${input.errorKind},
        "errorMessage" = ${input.errorMessage}, "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ${now},
        "stateActor" = ${`worker:${input.workerId}`}, "stateReason" = ${`not processed: ${input.errorMessage}`}
      WHERE "id" = ${input.orderId} AND "state" = 'submitting' AND "leaseOwner" = ${input.workerId}`,
  );
  return count === 1;
}

/** Gives back leased, unsent orders (a worker shutting down). */
export async function releaseLeases(db: Db, workerId: string): Promise<number> {
  return db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL
      WHERE "state" = 'queued' AND "leaseOwner" = ${workerId}`,
  );
}

/**
 * A `submitting` order whose lease ran out belongs to a worker that died mid-call: the upstream may have
 * charged it, so it becomes `uncertain` — never `queued`. Its call was sent right after `submittingAt` and
 * could create an order until the placeorder timeout (plus a margin) at the latest: that is its
 * `settleAfter`. One compare-and-set per expired order. Returns the batch of each, so the caller can
 * finish those batches.
 */
export async function expireSubmittingLeases(
  db: Db,
  now = new Date(),
  settle: { callTimeoutMs: number; marginMs: number } = { callTimeoutMs: 120_000, marginMs: 60_000 },
): Promise<string[]> {
  const expired = await db.prisma.order.findMany({
    where: { state: "submitting", leaseExpiresAt: { lt: now } },
    select: { id: true, batchId: true, submittingAt: true },
  });
  const batchIds: string[] = [];
  for (const order of expired) {
    const sentAt = order.submittingAt ?? now;
    const settleAfter = new Date(sentAt.getTime() + settle.callTimeoutMs + settle.marginMs);
    const count = await db.write(
      (prisma) => prisma.$executeRaw`
        UPDATE "Order" SET "state" = 'uncertain', "errorKind" = 'lease_expired',
          "errorMessage" = 'The worker placing this order stopped before recording the answer; it may have been placed.',
          "leaseOwner" = NULL, "leaseExpiresAt" = NULL, "updatedAt" = ${now},
          "settleAfter" = ${settleAfter}, "settleNote" = NULL,
          "stateActor" = 'system', "stateReason" = 'lease expired while submitting'
        WHERE "id" = ${order.id} AND "state" = 'submitting' AND "leaseExpiresAt" < ${now}`,
    );
    if (count === 1) batchIds.push(order.batchId);
  }
  return batchIds;
}
