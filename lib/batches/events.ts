/**
 * Progress events for one batch. Derived from the database on every tick, so they are right whichever
 * process places the orders, and a reconnecting client (Last-Event-ID) simply gets the current state.
 */
import { ownerScopeFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { log } from "@/lib/log";
import { getBatchProgress } from "./progress";
import { encodeBatchEvent, type BatchProgress } from "./schemas";

export function isBatchSettled(p: BatchProgress): boolean {
  const open = p.counts.queued + p.counts.submitting + p.counts.submitted;
  return (p.status === "done" || p.status === "cancelled") && open === 0;
}

/** Each tick reads with the viewer's scope of that moment: a batch they may no longer see ends the stream. */
export function batchProgressStream(
  db: Db,
  viewer: AppUser,
  batchId: string,
  options: { lastEventId?: number; signal?: AbortSignal; intervalMs?: number; heartbeatMs?: number } = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const intervalMs = options.intervalMs ?? 1_000;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  let eventId = options.lastEventId ?? 0;
  let closed = false;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (closed) return;
        closed = true;
        controller.close();
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
        if (isBatchSettled(progress)) {
          eventId += 1;
          send(encodeBatchEvent("done", progress, eventId));
          close();
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    },
    cancel() {
      closed = true;
    },
  });
}

/**
 * The stream for a batch the viewer may see: an unknown id, or another's batch they may not see, is a 404
 * before the stream opens, not an error event.
 */
export async function openBatchProgressStream(
  db: Db,
  viewer: AppUser,
  batchId: string,
  options: { lastEventId?: number; signal?: AbortSignal } = {},
): Promise<ReadableStream<Uint8Array>> {
  await getBatchProgress(db, batchId, await ownerScopeFor(db, viewer, "see"));
  return batchProgressStream(db, viewer, batchId, options);
}
