/**
 * Progress events for one batch. Derived from the database on every tick, so they are right whichever
 * process places the orders, and a reconnecting client (Last-Event-ID) simply gets the current state.
 *
 * Every stream ends: a settled batch with `done`, a draft with `draft` (nothing changes until it is
 * confirmed), and any stream after STREAM_MAX_LIFETIME_MS, which the browser's EventSource reconnects.
 */
import { ownerScopeFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { log } from "@/lib/log";
import { getBatchProgress } from "./progress";
import { encodeBatchEvent, type BatchProgress } from "./schemas";
import { takeStreamSlot } from "./stream-slots";

/** The server closes a stream after this long; EventSource reconnects 2 s later with Last-Event-ID. */
export const STREAM_MAX_LIFETIME_MS = 10 * 60_000;

/**
 * Nothing is queued, submitting, waiting for a result or being settled: the batch reached `done`,
 * `cancelled` or `needs_attention` (which the batch finishes only once settlement has nothing left to try).
 */
export function isBatchSettled(p: BatchProgress): boolean {
  const open = p.counts.queued + p.counts.submitting + p.counts.submitted;
  return (p.status === "done" || p.status === "cancelled" || p.status === "needs_attention") && open === 0;
}

export type BatchStreamOptions = {
  lastEventId?: number;
  signal?: AbortSignal;
  intervalMs?: number;
  heartbeatMs?: number;
  maxLifetimeMs?: number;
  /** Called once when the stream ends, however it ends. */
  onClose?: () => void;
};

/** Each tick reads with the viewer's scope of that moment: a batch they may no longer see ends the stream. */
export function batchProgressStream(
  db: Db,
  viewer: AppUser,
  batchId: string,
  options: BatchStreamOptions = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const intervalMs = options.intervalMs ?? 1_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const endsAt = Date.now() + (options.maxLifetimeMs ?? STREAM_MAX_LIFETIME_MS);
  let eventId = options.lastEventId ?? 0;
  let closed = false;
  const finish = () => {
    if (closed) return false;
    closed = true;
    options.onClose?.();
    return true;
  };
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (finish()) controller.close();
      };
      options.signal?.addEventListener("abort", close);
      send(`retry: 2000\n\n`);
      let last = "";
      let lastSentAt = Date.now();
      while (!closed) {
        let progress: BatchProgress;
        try {
          progress = await getBatchProgress(db, batchId, await ownerScopeFor(db, viewer, "see"));
        } catch (error) {
          // A stream its client already closed has nobody to tell.
          if (closed) return;
          log.warn("progress stream stopped", { batchId, error });
          send(encodeBatchEvent("error", { message: "The batch could not be read." }));
          close();
          return;
        }
        const json = JSON.stringify(progress);
        if (json !== last) {
          eventId += 1;
          send(encodeBatchEvent("progress", progress, eventId));
          last = json;
          lastSentAt = Date.now();
        } else if (Date.now() - lastSentAt > heartbeatMs) {
          send(`: keep-alive\n\n`);
          lastSentAt = Date.now();
        }
        const final = isBatchSettled(progress) ? "done" : progress.status === "draft" ? "draft" : null;
        if (final) {
          eventId += 1;
          send(encodeBatchEvent(final, progress, eventId));
          close();
          return;
        }
        if (Date.now() >= endsAt) {
          close();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, endsAt - Date.now())));
      }
    },
    cancel() {
      finish();
    },
  });
}

/**
 * The stream for a batch the viewer may see, on one of the viewer's stream slots (stream-slots.ts): an
 * unknown id, or another's batch they may not see, is a 404, and a viewer with every slot taken a 429,
 * both before the stream opens.
 */
export async function openBatchProgressStream(
  db: Db,
  viewer: AppUser,
  batchId: string,
  options: Omit<BatchStreamOptions, "onClose"> = {},
): Promise<ReadableStream<Uint8Array>> {
  await getBatchProgress(db, batchId, await ownerScopeFor(db, viewer, "see"));
  const release = takeStreamSlot(viewer.id);
  return batchProgressStream(db, viewer, batchId, { ...options, onClose: release });
}
