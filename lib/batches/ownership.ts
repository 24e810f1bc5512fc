/** Who may act on a batch: an operator on their own, an admin on any. Shared by confirm and cancel. */
import type { AppUser } from "@/lib/auth/users";
import type { TxClient } from "@/lib/db";
import { notFound } from "@/lib/errors";

/** The owner id a user's batch writes are limited to; undefined for an admin (any owner). */
export function ownerScopeOf(user: AppUser): string | undefined {
  return user.role === "admin" ? undefined : user.id;
}

/** The batch, or a 404 when it does not exist or belongs to another operator. */
export async function findVisibleBatch(tx: TxClient, user: AppUser, batchId: string) {
  const batch = await tx.batch.findUnique({ where: { id: batchId } });
  if (!batch || (user.role !== "admin" && batch.ownerId !== user.id)) throw notFound("Batch");
  return batch;
}
