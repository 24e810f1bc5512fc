"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { parseBatchEvent, type BatchProgress } from "@/lib/batches/schemas";
import { batchEventsUrl, getBatchProgress } from "@/lib/client/api";
import { queryKeys } from "./query-keys";

export type ProgressFeed = "connecting" | "live" | "polling" | "closed";

const POLL_MS = 3_000;

export function isFinalStatus(status: BatchProgress["status"] | undefined): boolean {
  return status === "done" || status === "cancelled" || status === "needs_attention";
}

/** Reconnections in a row without an event before the page gives up on live updates and polls. */
const MAX_RECONNECTS = 3;

/**
 * A batch's progress: loaded once, then followed over server-sent events. The server ends a stream after
 * a while and EventSource reconnects by itself (with Last-Event-ID); if the stream is refused, fails
 * again and again, or sends something unreadable, it falls back to polling every 3 s until the batch is
 * finished. Events are parsed with the same schema as every other answer.
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
    let reconnects = 0;
    const fallBack = () => {
      source.close();
      setFeed("polling");
      void queryClient.invalidateQueries({ queryKey: queryKeys.batch(id) });
    };
    const receive = (event: MessageEvent<string>, name: "progress" | "done" | "draft"): boolean => {
      const progress = parseBatchEvent(name, event.data);
      if (!progress) {
        fallBack();
        return false;
      }
      reconnects = 0;
      queryClient.setQueryData(queryKeys.batch(id), progress);
      return true;
    };
    source.addEventListener("open", () => setFeed("live"));
    source.addEventListener("progress", (event) => {
      if (receive(event, "progress")) setFeed("live");
    });
    for (const last of ["done", "draft"] as const) {
      source.addEventListener(last, (event) => {
        // Closed before the server ends the stream, so EventSource does not reconnect to a batch that
        // is finished, or that nothing will change until it is confirmed.
        source.close();
        if (receive(event, last)) setFeed("closed");
      });
    }
    source.addEventListener("error", (event) => {
      // The server's own `error` event, a refused stream (404, 429) or repeated failures: poll instead.
      // A stream the server ended (its lifetime is bounded) is reconnected by EventSource itself.
      const isServerError = event instanceof MessageEvent;
      if (isServerError || source.readyState === EventSource.CLOSED || ++reconnects > MAX_RECONNECTS)
        fallBack();
      else setFeed("connecting");
    });
    return () => source.close();
  }, [id, queryClient]);

  return { ...query, feed };
}
