"use client";

import { useMutation } from "@tanstack/react-query";
import { syncOrders } from "@/lib/client/api";
import type { SyncResult } from "@/lib/orders/schemas";

/** "Sync now" for unfinished placed orders (of one batch, or all). */
export function useSyncOrders(options: {
  batchId?: string;
  onSuccess: (result: SyncResult) => void;
  onError?: (error: Error) => void;
}) {
  return useMutation({
    mutationFn: () => syncOrders(options.batchId ? { batchId: options.batchId } : {}),
    onSuccess: options.onSuccess,
    onError: options.onError,
  });
}
