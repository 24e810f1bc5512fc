/** Cancelling a batch: orders not yet being placed are cancelled; orders already sent carry on. */
import { recordAuditIn } from "@/lib/admin/audit";
import { actingScopeOf, findBatchFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { cancelUnsentOrders, markBatchCancelled } from "@/lib/orders/transitions";

export async function cancelBatch(
  db: Db,
  user: AppUser,
  batchId: string,
  now = new Date(),
): Promise<{ cancelledOrders: number }> {
  return db.transaction(async (tx) => {
    const won = await markBatchCancelled(tx, { batchId, ownerId: actingScopeOf(user).ownerId, now });
    if (!won) {
      const batch = await findBatchFor(tx, user, batchId, "act");
      if (batch.state === "cancelled") return { cancelledOrders: 0 };
      throw new AppError("conflict", `This batch is ${batch.state}; there is nothing left to cancel.`);
    }
    const cancelledOrders = await cancelUnsentOrders(tx, { batchId, userId: user.id, now });
    await recordAuditIn(tx, {
      actorId: user.id,
      action: "batch.cancel",
      targetType: "batch",
      targetId: batchId,
      details: { orders: cancelledOrders },
    });
    return { cancelledOrders };
  });
}
