/**
 * A person's decision about an `uncertain` order: the app could not know whether the upstream placed it,
 * so it never guesses. Every decision is one compare-and-set from `uncertain`, and audited.
 */
import { recordAudit } from "@/lib/admin/audit";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import type { GsmFusionClient } from "@/lib/gsmfusion";
import type { ResolveAction } from "./schemas";
import { firstCheckDelayMs } from "./sync-schedule";
import { finishBatchIfDone, reopenBatch } from "./transitions";

export type { ResolveAction } from "./schemas";

export async function resolveUncertain(
  db: Db,
  upstream: Pick<GsmFusionClient, "getOrders">,
  user: AppUser,
  orderId: string,
  action: ResolveAction,
): Promise<void> {
  const order = await db.prisma.order.findUnique({ where: { id: orderId } });
  if (!order) throw notFound("Order");
  if (order.state !== "uncertain")
    throw new AppError("conflict", `This order is ${order.state}, not uncertain; nothing to resolve.`);
  const now = new Date();
  const actor = `user:${user.id}`;
  let changed = 0;

  if (action.action === "placed") {
    // Verified with the upstream before it is believed: the id must exist and be for this IMEI.
    const [found] = await upstream.getOrders([action.upstreamOrderId]);
    if (!found)
      throw new AppError(
        "validation_failed",
        `upstreamOrderId: the upstream has no order ${action.upstreamOrderId}`,
      );
    if (found.imei !== order.imei) {
      throw new AppError(
        "validation_failed",
        `upstreamOrderId: order ${action.upstreamOrderId} is for IMEI ${found.imei}, not ${order.imei}`,
      );
    }
    const upstreamOrderId = action.upstreamOrderId;
    const idTaken = async () => (await db.prisma.order.findUnique({ where: { upstreamOrderId } })) !== null;
    const takenError = () =>
      new AppError("conflict", `Upstream order ${upstreamOrderId} already belongs to another order.`);
    if (await idTaken()) throw takenError();
    try {
      changed = await db.write(
        (prisma) => prisma.$executeRaw`
          UPDATE "Order" SET "state" = 'submitted', "upstreamOrderId" = ${upstreamOrderId}, "upstreamStatus" = ${found.status},
            "placedAt" = COALESCE("placedAt", ${now}), "nextCheckAt" = ${new Date(now.getTime() + firstCheckDelayMs(true))},
            "errorKind" = NULL, "errorMessage" = NULL, "updatedAt" = ${now},
            "stateActor" = ${actor}, "stateReason" = 'resolved: it was placed (verified with the upstream)'
          WHERE "id" = ${orderId} AND "state" = 'uncertain'`,
      );
    } catch (error) {
      // Two people resolving with the same id at once: the unique index lets one win.
      if (await idTaken()) throw takenError();
      throw error;
    }
  } else if (action.action === "not_placed") {
    // Queued again; if it was in fact placed, the upstream answers "IMEI already exists!" (not paid twice)
    // and the worker hands the order back to a person as `uncertain` / placed_earlier.
    changed = await db.write(
      (prisma) => prisma.$executeRaw`
        UPDATE "Order" SET "state" = 'queued', "notBefore" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
          "updatedAt" = ${now}, "stateActor" = ${actor}, "stateReason" = 'resolved: it was not placed; queue again'
        WHERE "id" = ${orderId} AND "state" = 'uncertain'`,
    );
    if (changed === 1) await reopenBatch(db, order.batchId, now);
  } else {
    const reason = `resolved: written off${action.note ? ` (${action.note})` : ""}`;
    changed = await db.write(
      (prisma) => prisma.$executeRaw`
        UPDATE "Order" SET "state" = 'failed', "errorKind" = 'written_off', "finishedAt" = ${now}, "updatedAt" = ${now},
          "stateActor" = ${actor}, "stateReason" = ${reason}
        WHERE "id" = ${orderId} AND "state" = 'uncertain'`,
    );
  }
  if (changed !== 1) throw new AppError("conflict", "Someone else resolved this order first.");
  if (action.action === "placed") await reopenBatch(db, order.batchId, now);
  if (action.action === "write_off") await finishBatchIfDone(db, order.batchId, now);
  await recordAudit(db, {
    actorId: user.id,
    action: `order.resolve.${action.action}`,
    targetType: "order",
    targetId: orderId,
    details: action,
  });
}
