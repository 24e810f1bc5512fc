/**
 * Confirming a draft: the operator's consent, and the only way orders enter the queue. The service's
 * current price and availability, and the operator's and the shop's daily spend limits, are checked
 * here, against what would actually be queued.
 */
import { recordAuditIn } from "@/lib/admin/audit";
import { actingScopeOf, findBatchFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db, TxClient } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { isUpstreamError, type GsmFusionClient } from "@/lib/gsmfusion";
import { parseMoney, toDecimalString, type Micros } from "@/lib/money";
import { ORDERED_STATES } from "@/lib/orders/states";
import {
  skipRepeatedDraftOrders,
  finishEmptyBatch,
  queueDraftBatch,
  queueDraftOrders,
  repriceDraftOrders,
  returnBatchToDraft,
} from "@/lib/orders/transitions";
import { readCurrentCatalogueService } from "@/lib/services/catalogue";
import type { PriceChangedDetails } from "./schemas";

/** A confirm checks the price against a catalogue at most this old, refreshing it first if need be. */
export const CONFIRM_PRICE_MAX_AGE_MS = 60_000;

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
  /** The price per IMEI the operator agreed to (decimal); left out, the draft's own. */
  unitPrice?: string;
  /**
   * Refreshes a catalogue older than `priceMaxAgeMs` (default CONFIRM_PRICE_MAX_AGE_MS) before the price
   * is checked. The API always passes it; without it (scripts, tests) the cached price is checked as is.
   */
  upstream?: GsmFusionClient;
  priceMaxAgeMs?: number;
  /** The shop's daily limit; left out, DAILY_SPEND_LIMIT applies. null: no shop limit. */
  shopDailyLimitMicros?: Micros | null;
  now?: Date;
};

/**
 * Brings the catalogue entry of a draft's service up to date before the confirm checks it, outside the
 * transaction (no transaction is held across an upstream call). A confirmed batch needs none; an unknown
 * batch, or one the user may not act on, is refused first.
 */
async function refreshPriceOfDraft(
  db: Db,
  user: AppUser,
  batchId: string,
  options: ConfirmOptions,
): Promise<void> {
  if (!options.upstream) return;
  // Who may confirm is decided before the upstream is asked anything: another's draft is a 404 here,
  // never a 503 that would tell it exists.
  const batch = await findBatchFor(db, user, batchId, "act");
  if (batch.state !== "draft") return;
  try {
    await readCurrentCatalogueService(db, options.upstream, batch.serviceId, {
      maxAgeMs: options.priceMaxAgeMs ?? CONFIRM_PRICE_MAX_AGE_MS,
    });
  } catch (error) {
    const isEmptyListing = error instanceof Error && error.name === "EmptyCatalogueError";
    if (!isUpstreamError(error) && !isEmptyListing) throw error;
    const reason = isUpstreamError(error) ? error.code : "empty_catalogue";
    throw new AppError(
      "upstream_unavailable",
      `The service's current price could not be checked with GSM Fusion (${reason}). Nothing was placed; try again shortly.`,
    );
  }
}

type Refusal = { refused: AppError };

/**
 * Inside the confirm's transaction, once the batch row is queued: the service must still be offered at
 * the price the operator agreed to. If not, the batch goes back to being a draft holding the current
 * price and estimate (committed, so the operator sees the new cost) and the confirm is refused.
 */
async function checkPrice(
  tx: TxClient,
  batch: {
    id: string;
    serviceId: string;
    unitPriceMicros: bigint;
    toSubmit: number;
    alreadyOrderedCount: number;
    estimatedCostMicros: bigint;
  },
  agreed: Micros,
  now: Date,
): Promise<Refusal | null> {
  const service = await tx.service.findUnique({ where: { id: batch.serviceId } });
  if (!service?.active) {
    await returnBatchToDraft(tx, {
      batchId: batch.id,
      unitPriceMicros: batch.unitPriceMicros,
      estimatedCostMicros: batch.estimatedCostMicros,
    });
    const title = service?.title ?? batch.serviceId;
    return {
      refused: new AppError(
        "service_retired",
        `GSM Fusion no longer offers “${title}”. Nothing was placed; start a new batch with another service.`,
        { serviceId: batch.serviceId, serviceTitle: title },
      ),
    };
  }
  const price = service.priceMicros;
  if (price === batch.unitPriceMicros && price === agreed) return null;
  const estimated = price * BigInt(batch.toSubmit - batch.alreadyOrderedCount);
  await repriceDraftOrders(tx, { batchId: batch.id, priceMicros: price, now });
  if (price === agreed) {
    // The operator agreed to the current price already (after a refusal below): confirm at it.
    await tx.batch.update({ where: { id: batch.id }, data: { unitPriceMicros: price } });
    return null;
  }
  await returnBatchToDraft(tx, { batchId: batch.id, unitPriceMicros: price, estimatedCostMicros: estimated });
  const details: PriceChangedDetails = {
    serviceId: batch.serviceId,
    previousUnitPrice: toDecimalString(agreed),
    unitPrice: toDecimalString(price),
    estimatedCost: toDecimalString(estimated),
    estimatedCostWithRepeats: toDecimalString(price * BigInt(batch.toSubmit)),
  };
  return {
    refused: new AppError(
      "price_changed",
      `The price of “${service.title}” changed from $${details.previousUnitPrice} to $${details.unitPrice} per IMEI since this batch was priced; it now costs $${details.estimatedCost}. Nothing was placed: confirm again to place it at the new price.`,
      details,
    ),
  };
}

/**
 * Turns a draft into queued orders, atomically: the service must still be offered at the agreed price
 * (else 409 `service_retired` / `price_changed`, the draft repriced), repeats of IMEIs already ordered
 * for the service are `skipped` (price 0, the earlier order's result reused) unless the operator asked
 * to re-order them, and the operator's and the shop's daily limits are checked against what would be
 * queued. Confirming again changes nothing.
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
  await refreshPriceOfDraft(db, user, batchId, options);
  const outcome = await db.transaction(async (tx): Promise<{ alreadyConfirmed: boolean } | Refusal> => {
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
    const agreed = options.unitPrice === undefined ? batch.unitPriceMicros : parseMoney(options.unitPrice);
    const refusal = await checkPrice(tx, batch, agreed, now);
    if (refusal) return refusal;

    if (!reorder) await skipRepeatedDraftOrders(tx, { batchId, userId: user.id, now });

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
  if ("refused" in outcome) throw outcome.refused;
  return outcome;
}
