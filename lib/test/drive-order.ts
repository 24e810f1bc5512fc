/**
 * Moves a queued order through the real transitions, as the worker and status sync would, for tests that
 * need orders in given states without running the engine.
 */
import type { Db } from "@/lib/db";
import { parseResultCode } from "@/lib/gsmfusion/result-parser";
import {
  claimQueuedOrders,
  markSubmitting,
  recordFailure,
  recordFinalStatus,
  recordPlaced,
} from "@/lib/orders/transitions";

const WORKER = "test-driver";
let nextUpstreamId = 9_000_000;

type Failure = { to: "duplicate" | "failed" | "uncertain"; message?: string; settleNote?: string };
type Placed =
  | { to: "submitted"; upstreamOrderId?: string; upstreamStatus?: string }
  | { to: "completed" | "rejected"; code: string; upstreamOrderId?: string };
export type DriveTo = { to: "submitting" } | Placed | Failure;

function isFailure(target: DriveTo): target is Failure {
  return target.to === "duplicate" || target.to === "failed" || target.to === "uncertain";
}

/** Takes the queued order `orderId` (of batch `batchId`) to `target.to`; returns its upstream id if placed. */
export async function driveOrder(
  db: Db,
  input: { batchId: string; orderId: string },
  target: DriveTo,
  now = new Date(),
): Promise<string | null> {
  // Claim the whole batch's queue, then hand back all but this order (their lease simply expires).
  const claimed = await claimQueuedOrders(db, {
    workerId: WORKER,
    batchId: input.batchId,
    limit: 100_000,
    leaseMs: 1,
    now: new Date(now.getTime() - 60_000),
  });
  if (!claimed.some((c) => c.id === input.orderId)) throw new Error(`order ${input.orderId} is not queued`);
  if (!(await markSubmitting(db, { orderId: input.orderId, workerId: WORKER, leaseMs: 120_000, now })))
    throw new Error(`order ${input.orderId} could not be marked submitting`);
  if (target.to === "submitting") return null;
  if (isFailure(target)) {
    await recordFailure(db, {
      orderId: input.orderId,
      workerId: WORKER,
      failure: {
        state: target.to,
        errorKind: target.to === "duplicate" ? "duplicate" : target.to === "failed" ? "refused" : "timeout",
        errorMessage: target.message ?? `${target.to} in a test`,
        settleNote: target.settleNote,
      },
      now,
    });
    return null;
  }
  const upstreamOrderId = target.upstreamOrderId ?? String((nextUpstreamId += 1));
  await recordPlaced(db, {
    orderId: input.orderId,
    workerId: WORKER,
    upstreamOrderId,
    upstreamStatus: target.to === "submitted" ? (target.upstreamStatus ?? "Pending") : "Pending",
    nextCheckAt: new Date(now.getTime() + 60_000),
    now,
  });
  if (target.to === "submitted") return upstreamOrderId;
  await recordFinalStatus(db, {
    orderId: input.orderId,
    status: target.to,
    code: target.code,
    parsed: parseResultCode(target.code),
    overdue: false,
    now,
  });
  return upstreamOrderId;
}
