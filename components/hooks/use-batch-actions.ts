"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { BatchProgress } from "@/lib/batches/schemas";
import { cancelBatch, confirmBatch, createBatch, resolveOrder } from "@/lib/client/api";
import type { ResolveAction } from "@/lib/orders/schemas";
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
    onError: options.onError,
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
