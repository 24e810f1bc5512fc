"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { BatchOrderSort, CountKey } from "@/lib/batches/schemas";
import { listBatchOrders } from "@/lib/client/api";
import { queryKeys } from "./query-keys";

const REFRESH_MS = 5_000;

/**
 * One page of a batch's orders (upload order unless sorted by IMEI or state), optionally of one state. Refreshed every 5 s while the batch runs, and
 * once more when it finishes, so the table ends with every final result.
 */
export function useBatchOrders(input: {
  batchId: string;
  state: CountKey | null;
  sort: BatchOrderSort;
  dir: "asc" | "desc";
  page: number;
  pageSize: number;
  isFinal: boolean;
}) {
  const { batchId, state, sort, dir, page, pageSize, isFinal } = input;
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: queryKeys.batchOrdersPage(batchId, state, sort, dir, page),
    queryFn: () => listBatchOrders({ batchId, state: state ?? undefined, sort, dir, page, limit: pageSize }),
    placeholderData: keepPreviousData,
    refetchInterval: isFinal ? false : REFRESH_MS,
  });

  useEffect(() => {
    if (isFinal) void queryClient.invalidateQueries({ queryKey: queryKeys.batchOrders(batchId) });
  }, [isFinal, batchId, queryClient]);

  return query;
}
