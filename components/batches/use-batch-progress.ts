"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { batchProgressSchema, getBatchProgress, type BatchProgress } from "./api-client";

export type ProgressFeed = "connecting" | "live" | "polling" | "closed";

const POLL_MS = 3_000;

export const batchQueryKey = (id: string) => ["batch", id] as const;

export function isFinalStatus(status: BatchProgress["status"] | undefined): boolean {
  return status === "done" || status === "cancelled";
}

/**
 * A batch's progress: loaded once, then followed over server-sent events (EventSource resumes with
 * Last-Event-ID by itself). If the stream fails or sends something unreadable, it falls back to polling
 * every 3 s until the batch is finished. Events are zod-checked like every other answer.
 */
export function useBatchProgress(id: string) {
  const queryClient = useQueryClient();
  const [feed, setFeed] = useState<ProgressFeed>("connecting");
  const query = useQuery({
    queryKey: batchQueryKey(id),
    queryFn: () => getBatchProgress(id),
    refetchInterval: (q) => (feed === "polling" && !isFinalStatus(q.state.data?.status) ? POLL_MS : false),
    retry: (failures, error) => failures < 2 && !("status" in error && error.status === 404),
  });

  useEffect(() => {
    if (typeof EventSource === "undefined") {
      queueMicrotask(() => setFeed("polling"));
      return;
    }
    const source = new EventSource(`/api/v1/batches/${encodeURIComponent(id)}/events`);
    const fallBack = () => {
      source.close();
      setFeed("polling");
      void queryClient.invalidateQueries({ queryKey: batchQueryKey(id) });
    };
    const receive = (event: MessageEvent<string>): boolean => {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        data = undefined;
      }
      const progress = batchProgressSchema.safeParse(data);
      if (!progress.success) {
        fallBack();
        return false;
      }
      queryClient.setQueryData(batchQueryKey(id), progress.data);
      return true;
    };
    source.addEventListener("open", () => setFeed("live"));
    source.addEventListener("progress", (event) => {
      if (receive(event)) setFeed("live");
    });
    source.addEventListener("done", (event) => {
      // Closed before the server ends the stream, so EventSource does not reconnect to a finished batch.
      source.close();
      if (receive(event)) setFeed("closed");
    });
    source.addEventListener("error", fallBack);
    return () => source.close();
  }, [id, queryClient]);

  return { ...query, feed };
}
