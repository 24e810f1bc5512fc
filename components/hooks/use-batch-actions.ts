"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { BatchProgress } from "@/lib/batches/schemas";
import {
  ApiError,
  cancelBatch,
  confirmBatch,
  createBatch,
  resolveOrder,
  resolveOrdersInBulk,
} from "@/lib/client/api";
import type { BulkResolveResult, ResolveAction } from "@/lib/orders/schemas";
import { queryKeys } from "./query-keys";

/** Prices a draft (places nothing). */
export function useCreateDraft() {
  return useMutation({ mutationFn: createBatch });
}

/** Confirms a draft at the price shown: its orders are queued and will be placed (billable). */
export function useConfirmBatch(options: {
  onSuccess: (progress: BatchProgress) => void;
  onError?: (error: Error) => void;
}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      id,
      reorderRepeats,
      unitPrice,
    }: {
      id: string;
      reorderRepeats: boolean;
      unitPrice: string;
    }) => confirmBatch(id, reorderRepeats, unitPrice),
    onSuccess: options.onSuccess,
    onError: (error) => {
      // The server refreshed its catalogue to find the change: the service list is read again.
      if (error instanceof ApiError && (error.code === "price_changed" || error.code === "service_retired"))
        void queryClient.invalidateQueries({ queryKey: queryKeys.services });
      options.onError?.(error);
    },
  });
}

/** Cancels a batch's queued orders; the progress and the orders table show it at once. */
export function useCancelBatch(id: string, options: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => cancelBatch(id),
    onSuccess: (progress) => {
      queryClient.setQueryData(queryKeys.batch(id), progress);
      void queryClient.invalidateQueries({ queryKey: queryKeys.batchOrders(id) });
      options.onSuccess?.();
    },
  });
}

/** A person's decision on an uncertain order of a batch; the batch's progress and orders are reloaded. */
export function useResolveOrder(input: { orderId: string; batchId: string; onSuccess: () => void }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (resolution: ResolveAction) => resolveOrder(input.orderId, resolution),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.batch(input.batchId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.batchOrders(input.batchId) }),
      ]);
      input.onSuccess();
    },
  });
}

/** One decision for many uncertain orders (the needs-attention list); every cached batch is reloaded. */
export function useResolveInBulk(options: { onSuccess: (result: BulkResolveResult) => void }) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resolveOrdersInBulk,
    onSuccess: async (result) => {
      await queryClient.invalidateQueries();
      options.onSuccess(result);
    },
  });
}
