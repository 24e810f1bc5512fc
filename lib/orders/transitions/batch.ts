/**
 * Batch-level transitions: the Batch row's own state, and the statements that move all of one batch's
 * orders at once (confirm, cancel). The confirm and cancel statements run inside the caller's
 * transaction (`tx`), so the batch row and its orders change together; the others are single
 * statements through db.write().
 */
import { Prisma } from "@/lib/generated/sqlite/client";
import type { Db, TxClient } from "@/lib/db";
import { ORDERED_STATES } from "../states";

/**
 * draft → queued for the Batch row; the write comes first in a confirm, so it takes SQLite's lock at
 * once and makes a second confirm a no-op. `ownerId` undefined: any owner (an admin).
 */
export async function queueDraftBatch(
  tx: TxClient,
  input: { batchId: string; ownerId: string | undefined; reorder: boolean; now: Date },
): Promise<boolean> {
  const won = await tx.batch.updateMany({
    where: { id: input.batchId, ownerId: input.ownerId, state: "draft" },
    data: { state: "queued", confirmedAt: input.now, reorder: input.reorder },
  });
  return won.count > 0;
}

/**
 * queued → draft again, inside the confirm that has just queued the Batch row, when the price it would
 * place at is not the one the operator agreed to (or the service is gone): the transaction commits only
 * the draft's new price and estimate, so nobody ever sees the batch queued.
 */
export async function returnBatchToDraft(
  tx: TxClient,
  input: { batchId: string; unitPriceMicros: bigint; estimatedCostMicros: bigint },
): Promise<void> {
  await tx.batch.updateMany({
    where: { id: input.batchId, state: "queued" },
    data: {
      state: "draft",
      confirmedAt: null,
      reorder: false,
      unitPriceMicros: input.unitPriceMicros,
      estimatedCostMicros: input.estimatedCostMicros,
    },
  });
}

/** A draft's orders take the service's current price (no state change). */
export async function repriceDraftOrders(
  tx: TxClient,
  input: { batchId: string; priceMicros: bigint; now: Date },
): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Order" SET "priceMicros" = ${input.priceMicros}, "updatedAt" = ${input.now}
    WHERE "batchId" = ${input.batchId} AND "state" = 'draft'`;
}

/**
 * draft → skipped, in one statement, for each draft order whose IMEI another batch has ordered for this
 * service: it is not placed (price 0, never charged) and `reusedFromId` names the earlier order whose
 * result it carries — the newest completed one, else the newest. Returns how many were skipped.
 */
export async function skipRepeatedDraftOrders(
  tx: TxClient,
  input: { batchId: string; userId: string; now: Date },
): Promise<number> {
  const reason = "already ordered for this service: the earlier result is reused, not paid again";
  const ordered = Prisma.join([...ORDERED_STATES]);
  return tx.$executeRaw`
    UPDATE "Order" SET "state" = 'skipped', "priceMicros" = 0, "finishedAt" = ${input.now},
      "updatedAt" = ${input.now}, "stateActor" = ${`user:${input.userId}`}, "stateReason" = ${reason},
      "reusedFromId" = (
        SELECT "earlier"."id" FROM "Order" AS "earlier"
        WHERE "earlier"."serviceId" = "Order"."serviceId" AND "earlier"."imei" = "Order"."imei"
          AND "earlier"."batchId" <> "Order"."batchId" AND "earlier"."state" IN (${ordered})
        ORDER BY CASE WHEN "earlier"."state" = 'completed' THEN 0 ELSE 1 END,
          "earlier"."createdAt" DESC, "earlier"."id" DESC
        LIMIT 1
      )
    WHERE "batchId" = ${input.batchId} AND "state" = 'draft'
      AND EXISTS (
        SELECT 1 FROM "Order" AS "earlier"
        WHERE "earlier"."serviceId" = "Order"."serviceId" AND "earlier"."imei" = "Order"."imei"
          AND "earlier"."batchId" <> "Order"."batchId" AND "earlier"."state" IN (${ordered})
      )`;
}

/** draft → queued for every remaining draft order of a confirmed batch. */
export async function queueDraftOrders(
  tx: TxClient,
  input: { batchId: string; userId: string; now: Date },
): Promise<void> {
  await tx.$executeRaw`
    UPDATE "Order" SET "state" = 'queued', "updatedAt" = ${input.now}, "stateActor" = ${`user:${input.userId}`},
      "stateReason" = 'batch confirmed'
    WHERE "batchId" = ${input.batchId} AND "state" = 'draft'`;
}

/** queued → done for a confirmed batch left with nothing to place (every order was skipped as a repeat). */
export async function finishEmptyBatch(tx: TxClient, batchId: string, now: Date): Promise<void> {
  await tx.batch.update({ where: { id: batchId }, data: { state: "done", finishedAt: now } });
}

/** draft | queued | running → cancelled for the Batch row. `ownerId` undefined: any owner (an admin). */
export async function markBatchCancelled(
  tx: TxClient,
  input: { batchId: string; ownerId: string | undefined; now: Date },
): Promise<boolean> {
  const won = await tx.batch.updateMany({
    where: { id: input.batchId, ownerId: input.ownerId, state: { in: ["draft", "queued", "running"] } },
    data: { state: "cancelled", cancelledAt: input.now },
  });
  return won.count > 0;
}

/**
 * draft | queued → cancelled for a cancelled batch's orders. A queued order leased by a worker but not
 * yet sent is cancelled too: the worker's move to `submitting` requires `queued` and so fails.
 */
export async function cancelUnsentOrders(
  tx: TxClient,
  input: { batchId: string; userId: string; now: Date },
): Promise<number> {
  const cancelled = await tx.order.updateMany({
    where: { batchId: input.batchId, state: { in: ["draft", "queued"] } },
    data: {
      state: "cancelled",
      finishedAt: input.now,
      stateActor: `user:${input.userId}`,
      stateReason: "batch cancelled",
      leaseOwner: null,
    },
  });
  return cancelled.count;
}

/** queued → running for a batch whose first order is being placed. */
export async function markBatchRunning(db: Db, batchId: string, now = new Date()): Promise<void> {
  await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Batch" SET "state" = 'running', "lastServedAt" = ${now}, "updatedAt" = ${now}
      WHERE "id" = ${batchId} AND "state" = 'queued'`,
  );
}

export async function touchBatchServed(db: Db, batchId: string, now = new Date()): Promise<void> {
  await db.write(
    (prisma) => prisma.$executeRaw`UPDATE "Batch" SET "lastServedAt" = ${now} WHERE "id" = ${batchId}`,
  );
}

/**
 * Ends the machine's work on a batch, in one statement, once none of its orders is waiting to be placed,
 * for its result or for the settlement (an `uncertain` order with `settleAfter` and no `settleNote`):
 * → `needs_attention` while some order is still `uncertain` (a person decides), else → `done`. Also
 * needs_attention → done when a person resolved the last one. Every path that ends automatic work calls it.
 */
export async function finishBatchIfDone(db: Db, batchId: string, now = new Date()): Promise<boolean> {
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Batch" SET "state" = CASE WHEN EXISTS (
          SELECT 1 FROM "Order" WHERE "batchId" = ${batchId} AND "state" = 'uncertain'
        ) THEN 'needs_attention' ELSE 'done' END,
        "finishedAt" = ${now}, "updatedAt" = ${now}
      WHERE "id" = ${batchId} AND "state" IN ('queued', 'running', 'needs_attention')
        AND NOT EXISTS (
          SELECT 1 FROM "Order" WHERE "batchId" = ${batchId} AND "state" IN ('draft', 'queued', 'submitting', 'submitted')
        )
        AND NOT EXISTS (
          SELECT 1 FROM "Order" WHERE "batchId" = ${batchId} AND "state" = 'uncertain'
            AND "settleAfter" IS NOT NULL AND "settleNote" IS NULL
        )
        AND ("state" <> 'needs_attention' OR NOT EXISTS (
          SELECT 1 FROM "Order" WHERE "batchId" = ${batchId} AND "state" = 'uncertain'
        ))`,
  );
  return count === 1;
}

/**
 * done | needs_attention → running when an order of a finished batch has work for the machine again (a
 * person or the settlement queued it again, or linked it to its upstream order and sync follows it).
 */
export async function reopenBatch(db: Db, batchId: string, now = new Date()): Promise<void> {
  await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Batch" SET "state" = 'running', "finishedAt" = NULL, "updatedAt" = ${now}
      WHERE "id" = ${batchId} AND "state" IN ('done', 'needs_attention')`,
  );
}
