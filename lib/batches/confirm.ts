/**
 * Confirming a draft: the operator's consent, and the only way orders enter the queue. The operator's
 * and the shop's daily spend limits are checked here, against what would actually be queued.
 */
import { recordAuditIn } from "@/lib/admin/audit";
import { actingScopeOf, findBatchFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db, TxClient } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { parseMoney, toDecimalString, type Micros } from "@/lib/money";
import { ORDERED_STATES } from "@/lib/orders/states";
import {
  cancelRepeatedDraftOrders,
  finishEmptyBatch,
  queueDraftBatch,
  queueDraftOrders,
} from "@/lib/orders/transitions";

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** Spend committed today (UTC): orders confirmed today that are queued, placed, or may have been. */
async function spentToday(tx: TxClient, ownerId: string | null, now: Date): Promise<Micros> {
  const spent = await tx.order.aggregate({
    where: {
      state: { in: [...ORDERED_STATES] },
      batch: { confirmedAt: { gte: startOfUtcDay(now) } },
      ...(ownerId ? { ownerId } : {}),
    },
    _sum: { priceMicros: true },
  });
  return spent._sum.priceMicros ?? 0n;
}

/** The shop's limit per UTC day (DAILY_SPEND_LIMIT), or null for none. */
function readShopDailyLimit(): Micros | null {
  const limit = getEnv().dailySpendLimit;
  return limit ? parseMoney(limit) : null;
}

export type ConfirmOptions = {
  reorderRepeats?: boolean;
  /** The shop's daily limit; left out, DAILY_SPEND_LIMIT applies. null: no shop limit. */
  shopDailyLimitMicros?: Micros | null;
  now?: Date;
};

/**
 * Turns a draft into queued orders, atomically: repeats of IMEIs already ordered for the service are
 * cancelled unless the operator asked to re-order them, and the operator's and the shop's daily limits
 * are checked against what would be queued. Confirming again changes nothing.
 */
export async function confirmBatch(
  db: Db,
  user: AppUser,
  batchId: string,
  options: ConfirmOptions = {},
): Promise<{ alreadyConfirmed: boolean }> {
  const now = options.now ?? new Date();
  const shopLimit =
    options.shopDailyLimitMicros === undefined ? readShopDailyLimit() : options.shopDailyLimitMicros;
  const reorder = options.reorderRepeats ?? false;
  return db.transaction(async (tx) => {
    // PostgreSQL: confirms take turns (a transaction-scoped advisory lock), or two at once could each
    // pass a spending limit, or each queue the same IMEI, blind to the other's uncommitted orders.
    // SQLite's single writer (and lib/db's write lock) already serialises them.
    if (db.provider === "postgresql")
      await tx.$queryRaw`SELECT 1 AS "locked" FROM pg_advisory_xact_lock(7270736901)`;
    // The write first: it takes SQLite's lock at once, and makes a second confirm a no-op.
    const won = await queueDraftBatch(tx, { batchId, ownerId: actingScopeOf(user).ownerId, reorder, now });
    if (!won) {
      const batch = await findBatchFor(tx, user, batchId, "act");
      if (batch.state === "cancelled")
        throw new AppError("conflict", "This batch was cancelled; start a new one.");
      return { alreadyConfirmed: true };
    }
    const batch = await tx.batch.findUniqueOrThrow({ where: { id: batchId } });

    if (!reorder) await cancelRepeatedDraftOrders(tx, { batchId, userId: user.id, now });

    const toQueue = await tx.order.aggregate({
      where: { batchId, state: "draft" },
      _count: true,
      _sum: { priceMicros: true },
    });
    const cost = toQueue._sum.priceMicros ?? 0n;
    const owner = await tx.user.findUniqueOrThrow({
      where: { id: batch.ownerId },
      select: { dailySpendLimitMicros: true },
    });
    if (owner.dailySpendLimitMicros != null) {
      const spent = await spentToday(tx, batch.ownerId, now);
      if (spent + cost > owner.dailySpendLimitMicros) {
        throw new AppError(
          "spend_limit",
          `This batch costs $${toDecimalString(cost)}; with $${toDecimalString(spent)} already committed today it passes your daily limit of $${toDecimalString(owner.dailySpendLimitMicros)}.`,
        );
      }
    }
    if (shopLimit != null) {
      const spent = await spentToday(tx, null, now);
      if (spent + cost > shopLimit) {
        throw new AppError(
          "spend_limit",
          `This batch costs $${toDecimalString(cost)}; with $${toDecimalString(spent)} already committed today it passes the shop's daily limit of $${toDecimalString(shopLimit)}.`,
        );
      }
    }

    await queueDraftOrders(tx, { batchId, userId: user.id, now });
    // From here the batch's size and cost are what is actually queued (repeats left out).
    await tx.batch.update({
      where: { id: batchId },
      data: { estimatedCostMicros: cost, toSubmit: toQueue._count },
    });
    if (toQueue._count === 0) await finishEmptyBatch(tx, batchId, now);
    await recordAuditIn(tx, {
      actorId: user.id,
      action: "batch.confirm",
      targetType: "batch",
      targetId: batchId,
      details: { orders: toQueue._count, cost: toDecimalString(cost), reorderRepeats: reorder },
    });
    return { alreadyConfirmed: false };
  });
}
