"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { parseBatchEvent, type BatchProgress } from "@/lib/batches/schemas";
import { batchEventsUrl, getBatchProgress } from "@/lib/client/api";
import { queryKeys } from "./query-keys";

export type ProgressFeed = "connecting" | "live" | "polling" | "closed";

const POLL_MS = 3_000;

export function isFinalStatus(status: BatchProgress["status"] | undefined): boolean {
  return status === "done" || status === "cancelled";
}

/**
 * A batch's progress: loaded once, then followed over server-sent events (EventSource resumes with
 * Last-Event-ID by itself). If the stream fails or sends something unreadable, it falls back to polling
 * every 3 s until the batch is finished. Events are parsed with the same schema as every other answer.
 */
export function useBatchProgress(id: string) {
  const queryClient = useQueryClient();
  const [feed, setFeed] = useState<ProgressFeed>("connecting");
  const query = useQuery({
    queryKey: queryKeys.batch(id),
    queryFn: () => getBatchProgress(id),
    refetchInterval: (q) => (feed === "polling" && !isFinalStatus(q.state.data?.status) ? POLL_MS : false),
    retry: (failures, error) => failures < 2 && !("status" in error && error.status === 404),
  });

  useEffect(() => {
    if (typeof EventSource === "undefined") {
      queueMicrotask(() => setFeed("polling"));
      return;
    }
    const source = new EventSource(batchEventsUrl(id));
    const fallBack = () => {
      source.close();
      setFeed("polling");
      void queryClient.invalidateQueries({ queryKey: queryKeys.batch(id) });
    };
    const receive = (event: MessageEvent<string>, name: "progress" | "done"): boolean => {
      const progress = parseBatchEvent(name, event.data);
      if (!progress) {
        fallBack();
        return false;
      }
      queryClient.setQueryData(queryKeys.batch(id), progress);
      return true;
    };
    source.addEventListener("open", () => setFeed("live"));
    source.addEventListener("progress", (event) => {
      if (receive(event, "progress")) setFeed("live");
    });
    source.addEventListener("done", (event) => {
      // Closed before the server ends the stream, so EventSource does not reconnect to a finished batch.
      source.close();
      if (receive(event, "done")) setFeed("closed");
    });
    // A dropped connection and the server's own `error` event alike: poll instead.
    source.addEventListener("error", fallBack);
    return () => source.close();
  }, [id, queryClient]);

  return { ...query, feed };
}
