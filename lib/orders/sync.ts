/**
 * Status sync: asks the upstream about placed orders (`getimeis`, ≤ 100 ids a call), the ones due longest
 * ago first, and records results. Each order backs off on its own schedule; orders past the service's
 * promised delivery time are flagged overdue. Safe to run in several processes: a round leases its orders
 * by pushing their next check forward in the same statement that picks them.
 */
import type { OwnerScope } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { parseResultCode, type GsmFusionClient, type UpstreamOrder } from "@/lib/gsmfusion";
import { log } from "@/lib/log";
import { listDueOrders, listSubmittedOrderIds, type DueOrder } from "./queries";
import type { SyncFilter, SyncResult } from "./schemas";
import { isInstantDelivery, nextCheckDelayMs } from "./sync-schedule";
import { finishBatchIfDone, leaseDueOrders, recordFinalStatus, scheduleNextCheck } from "./transitions";

export type SyncUpstream = Pick<GsmFusionClient, "getOrders">;

export type { SyncFilter, SyncResult } from "./schemas";

const PER_CALL = 100;
const ROUND_LEASE_MS = 60_000;
const OVERDUE_GRACE_MINS = 5;

function isOverdue(order: DueOrder, now: Date): boolean {
  if (!order.placedAt || order.deliveryMaxMins == null) return false;
  // "Instant" parses as 0 minutes: give every promise a few minutes' grace before calling it broken.
  const promisedMs = Math.max(order.deliveryMaxMins, OVERDUE_GRACE_MINS) * 60_000;
  return now.getTime() > order.placedAt.getTime() + promisedMs;
}

async function recordAnswer(
  db: Db,
  order: DueOrder,
  answer: UpstreamOrder | undefined,
  now: Date,
  result: SyncResult,
): Promise<void> {
  const overdue = isOverdue(order, now);
  if (answer && (answer.status === "completed" || answer.status === "rejected")) {
    const parsed = answer.code ? parseResultCode(answer.code) : null;
    const changed = await recordFinalStatus(db, {
      orderId: order.id,
      status: answer.status,
      code: answer.code,
      parsed,
      overdue,
      now,
    });
    if (changed) {
      result[answer.status] += 1;
      await finishBatchIfDone(db, order.batchId, now);
    }
    return;
  }
  const next = new Date(
    now.getTime() + nextCheckDelayMs(order.checkCount + 1, isInstantDelivery(order.deliveryTime)),
  );
  await scheduleNextCheck(db, {
    orderId: order.id,
    upstreamStatus: answer?.status ?? null,
    nextCheckAt: next,
    overdue,
    now,
  });
  if (answer) result.stillOpen += 1;
  else result.missing += 1;
}

/** One round: up to `limit` due orders, asked about in calls of at most 100 ids. */
export async function syncDueOrders(
  db: Db,
  upstream: SyncUpstream,
  options: { limit?: number; filter?: SyncFilter; now?: Date } = {},
): Promise<SyncResult> {
  const now = options.now ?? new Date();
  const result: SyncResult = { checked: 0, completed: 0, rejected: 0, stillOpen: 0, missing: 0 };
  const leased = await leaseDueOrders(db, {
    limit: options.limit ?? 500,
    filter: options.filter ?? {},
    leaseMs: ROUND_LEASE_MS,
    now,
  });
  const due = leased.length > 0 ? await listDueOrders(db, leased) : [];
  for (let i = 0; i < due.length; i += PER_CALL) {
    const chunk = due.slice(i, i + PER_CALL);
    let answers: UpstreamOrder[];
    try {
      answers = await upstream.getOrders(chunk.map((o) => o.upstreamOrderId));
    } catch (error) {
      // Leave the lease in place: these orders are asked about again after it, nothing is lost.
      log.warn("status sync call failed", { error, orders: chunk.length });
      continue;
    }
    const byId = new Map(answers.map((a) => [a.upstreamOrderId, a]));
    for (const order of chunk) {
      await recordAnswer(db, order, byId.get(order.upstreamOrderId), new Date(), result);
      result.checked += 1;
    }
  }
  return result;
}

/**
 * "Sync now": every unfinished placed order matching the filter (up to 20,000) within the scope, regardless
 * of schedule. Another's batch or orders outside the scope are left alone, as ids that do not exist.
 */
export async function syncNow(
  db: Db,
  upstream: SyncUpstream,
  filter: SyncFilter,
  scope: OwnerScope,
): Promise<SyncResult> {
  const total: SyncResult = { checked: 0, completed: 0, rejected: 0, stillOpen: 0, missing: 0 };
  const ids = await listSubmittedOrderIds(db, filter, 20_000, scope);
  for (let i = 0; i < ids.length; i += 500) {
    const orderIds = ids.slice(i, i + 500);
    const round = await syncDueOrders(db, upstream, { limit: orderIds.length, filter: { orderIds } });
    for (const key of Object.keys(total) as (keyof SyncResult)[]) total[key] += round[key];
  }
  return total;
}

export class StatusSync {
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly upstream: SyncUpstream,
    private readonly intervalMs = 2_000,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          const r = await syncDueOrders(this.db, this.upstream);
          if (r.checked > 0) log.debug("status sync round", { ...r });
          if (r.checked >= 500) continue;
        } catch (error) {
          log.warn("status sync round failed", { error });
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.intervalMs);
          this.timer = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    await this.loop;
  }
}
