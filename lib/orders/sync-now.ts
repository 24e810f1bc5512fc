/**
 * "Sync now" as people ask for it: a request while a sync of the same scope runs in this process joins
 * that sync instead of asking the upstream again, and each user may start one sync per interval. A few
 * clicks must not burn the upstream's patience: its failures open the circuit breaker, which also pauses
 * placing orders.
 *
 * The per-user limit is one compare-and-set statement on a `Throttle` row, so it holds across processes
 * and restarts; joining a running sync is per process (a second process syncing the same orders asks again).
 */
import { createHash } from "node:crypto";
import { coversEveryOwner, type OwnerScope } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { AppError, isAppError } from "@/lib/errors";
import type { SyncFilter, SyncResult } from "./schemas";
import { syncNow, type SyncUpstream } from "./sync";

/** One sync may start per user per this long. */
export const SYNC_NOW_INTERVAL_MS = 10_000;

/** A sync of one scope in this process, and who started it (it may still be waiting for their turn). */
type RunningSync = { userId: string; result: Promise<SyncResult> };

// Kept on globalThis, like the catalogue's refresh: every bundle Next.js builds shares the running syncs.
const globalForSync = globalThis as unknown as { imeiDeskSyncs?: WeakMap<Db, Map<string, RunningSync>> };

function runningSyncsOf(db: Db): Map<string, RunningSync> {
  const all = (globalForSync.imeiDeskSyncs ??= new WeakMap());
  let running = all.get(db);
  if (!running) {
    running = new Map();
    all.set(db, running);
  }
  return running;
}

/**
 * The orders a request asks about, as a key: whose orders the caller sees (one operator's, or the whole
 * shop's), then the same batch, the same ids in any order, or everything. Only requests that would ask
 * about the same orders join one sync.
 */
function scopeKeyOf(filter: SyncFilter, scope: OwnerScope): string {
  const owners = coversEveryOwner(scope) ? "shop" : `owner:${scope.ownerId}`;
  if (filter.orderIds) {
    const ids = [...new Set(filter.orderIds)].sort().join(",");
    return `${owners}:ids:${filter.batchId ?? ""}:${createHash("sha256").update(ids).digest("base64url")}`;
  }
  return `${owners}:${filter.batchId ? `batch:${filter.batchId}` : "all"}`;
}

/**
 * Takes the user's turn: moves their last start to `now` unless it is less than `intervalMs` ago, in
 * one statement. Refused with a 429 that says when the next sync may start.
 */
export async function claimSyncTurn(
  db: Db,
  userId: string,
  options: { now?: Date; intervalMs?: number } = {},
): Promise<void> {
  const now = options.now ?? new Date();
  const intervalMs = options.intervalMs ?? SYNC_NOW_INTERVAL_MS;
  const threshold = new Date(now.getTime() - intervalMs);
  const id = `sync-now:${userId}`;
  const claimed = await db.write(
    (prisma) => prisma.$executeRaw`
      INSERT INTO "Throttle" ("id", "lastAt") VALUES (${id}, ${now})
      ON CONFLICT ("id") DO UPDATE SET "lastAt" = excluded."lastAt"
      WHERE "Throttle"."lastAt" <= ${threshold}`,
  );
  if (claimed === 1) return;
  const lastStartAt = (await db.prisma.throttle.findUnique({ where: { id } }))?.lastAt ?? now;
  const waitSeconds = Math.max(1, Math.ceil((lastStartAt.getTime() + intervalMs - now.getTime()) / 1000));
  const agoSeconds = Math.max(0, Math.round((now.getTime() - lastStartAt.getTime()) / 1000));
  throw new AppError(
    "rate_limited",
    `You started a sync ${agoSeconds} s ago; Sync now runs at most once every ${intervalMs / 1000} s per person. Try again in ${waitSeconds} s.`,
    { retryAfterSeconds: waitSeconds },
    waitSeconds,
  );
}

/**
 * "Sync now" for a user: joins the sync of the same scope running in this process, or takes the user's
 * turn (429 when it is too soon) and starts one. The sync is registered before the turn is taken, so
 * requests arriving together join it too; one whose starter was refused a turn tries its own.
 */
export async function requestSyncNow(
  db: Db,
  upstream: SyncUpstream,
  user: AppUser,
  filter: SyncFilter,
  scope: OwnerScope,
  options: { now?: Date; intervalMs?: number } = {},
): Promise<SyncResult> {
  const running = runningSyncsOf(db);
  const key = scopeKeyOf(filter, scope);
  for (let current = running.get(key); current; current = running.get(key)) {
    try {
      return await current.result;
    } catch (error) {
      const refusedTurn = isAppError(error) && error.code === "rate_limited";
      if (!refusedTurn || current.userId === user.id) throw error;
    }
  }
  const result = (async () => {
    await claimSyncTurn(db, user.id, options);
    return syncNow(db, upstream, filter, scope);
  })();
  const entry: RunningSync = { userId: user.id, result };
  running.set(key, entry);
  const forget = () => {
    if (running.get(key) === entry) running.delete(key);
  };
  // Registered before anyone joins, so a finished sync is gone before a joiner looks again.
  result.then(forget, forget);
  return result;
}
