"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { ApiError, syncOrders } from "@/lib/client/api";
import type { SyncResult } from "@/lib/orders/schemas";

/** What one order's "Refresh status now" found, in words. */
function describeOutcome(result: SyncResult): string {
  if (result.completed > 0) return "The result has arrived.";
  if (result.rejected > 0) return "GSM Fusion rejected this order.";
  if (result.missing > 0) return "GSM Fusion did not list this order id; it is checked again later.";
  if (result.stillOpen > 0) return "Still in progress at GSM Fusion; it is checked again automatically.";
  return "Nothing to check: this order is no longer waiting for a result.";
}

/**
 * Asks GSM Fusion about this one order now (POST /api/v1/orders/sync with its id: the same "Sync now",
 * with its one-per-10-s limit per person), says what came back and reloads the page.
 */
export function RefreshOrderButton({ orderId }: { orderId: string }) {
  const router = useRouter();
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const refresh = useMutation({
    mutationFn: () => syncOrders({ orderIds: [orderId] }),
    onSuccess: () => router.refresh(),
    onError: (error) => {
      if (error instanceof ApiError && error.code === "rate_limited")
        setWaitUntil(Date.now() + (error.retryAfterSeconds ?? 10) * 1000);
    },
  });

  useEffect(() => {
    if (waitUntil === null) return;
    const timer = setTimeout(() => setWaitUntil(null), Math.max(0, waitUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [waitUntil]);

  const isTooSoon = refresh.error instanceof ApiError && refresh.error.code === "rate_limited";
  const message = refresh.isSuccess
    ? describeOutcome(refresh.data)
    : isTooSoon
      ? refresh.error?.message
      : refresh.isError
        ? `The status could not be refreshed: ${refresh.error.message}`
        : null;

  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button
        variant="secondary"
        onClick={() => refresh.mutate()}
        disabled={refresh.isPending || waitUntil !== null}
      >
        {refresh.isPending ? "Asking GSM Fusion…" : waitUntil !== null ? "Wait…" : "Refresh status now"}
      </Button>
      {message && !refresh.isPending ? (
        <span role="status" className="text-sm text-slate-700" data-testid="refresh-status">
          {message}
        </span>
      ) : null}
    </div>
  );
}
