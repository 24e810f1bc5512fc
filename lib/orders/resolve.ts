/**
 * A person's decision about an `uncertain` order: the app could not know whether the upstream placed it,
 * so it never guesses. Only the order's owner or an admin decides (checked before anything else, the
 * upstream included); every decision is one compare-and-set from `uncertain`, and audited with its actor.
 */
import { recordAudit } from "@/lib/admin/audit";
import { findOrderFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { GsmFusionClient } from "@/lib/gsmfusion";
import { isUpstreamOrderIdTaken } from "./queries";
import type { ResolveAction } from "./schemas";
import { firstCheckDelayMs } from "./sync-schedule";
import {
  finishBatchIfDone,
  reopenBatch,
  resolveNotPlaced,
  resolvePlaced,
  resolveWrittenOff,
} from "./transitions";

export type { ResolveAction } from "./schemas";

export async function resolveUncertain(
  db: Db,
  upstream: Pick<GsmFusionClient, "getOrders">,
  user: AppUser,
  orderId: string,
  action: ResolveAction,
): Promise<void> {
  const order = await findOrderFor(db, user, orderId, "act");
  if (order.state !== "uncertain")
    throw new AppError("conflict", `This order is ${order.state}, not uncertain; nothing to resolve.`);
  const now = new Date();
  let changed = false;

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
    const takenError = () =>
      new AppError("conflict", `Upstream order ${upstreamOrderId} already belongs to another order.`);
    if (await isUpstreamOrderIdTaken(db, upstreamOrderId)) throw takenError();
    try {
      changed = await resolvePlaced(db, {
        orderId,
        userId: user.id,
        upstreamOrderId,
        upstreamStatus: found.status,
        nextCheckAt: new Date(now.getTime() + firstCheckDelayMs(true)),
        now,
      });
    } catch (error) {
      // Two people resolving with the same id at once: the unique index lets one win.
      if (await isUpstreamOrderIdTaken(db, upstreamOrderId)) throw takenError();
      throw error;
    }
  } else if (action.action === "not_placed") {
    // Queued again; if it was in fact placed, the upstream answers "IMEI already exists!" (not paid twice)
    // and the worker hands the order back to a person as `uncertain` / placed_earlier.
    changed = await resolveNotPlaced(db, { orderId, userId: user.id, now });
    if (changed) await reopenBatch(db, order.batchId, now);
  } else {
    changed = await resolveWrittenOff(db, { orderId, userId: user.id, note: action.note, now });
  }
  if (!changed) throw new AppError("conflict", "Someone else resolved this order first.");
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
