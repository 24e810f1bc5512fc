"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useSyncOrders } from "@/components/hooks/use-sync-orders";
import { Button } from "@/components/ui/button";
import { ApiError } from "@/lib/client/api";

/**
 * Asks the upstream about every unfinished placed order now, then reloads the page's data. Sync now runs
 * once per 10 s per person: when the server says it is too soon, the button waits out its Retry-After.
 */
export function SyncNowButton({ batchId }: { batchId?: string }) {
  const router = useRouter();
  // While set, the server has said it is too soon: the button waits until then.
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const sync = useSyncOrders({
    batchId,
    onSuccess: () => router.refresh(),
    onError: (error) => {
      if (error instanceof ApiError && error.code === "rate_limited")
        setWaitUntil(Date.now() + (error.retryAfterSeconds ?? 10) * 1000);
    },
  });
  const isWaiting = waitUntil !== null;
  const isTooSoon = sync.error instanceof ApiError && sync.error.code === "rate_limited";

  useEffect(() => {
    if (waitUntil === null) return;
    const timer = setTimeout(() => setWaitUntil(null), Math.max(0, waitUntil - Date.now()));
    return () => clearTimeout(timer);
  }, [waitUntil]);

  const message = sync.isSuccess
    ? `Checked ${sync.data.checked}: ${sync.data.completed} completed, ${sync.data.rejected} rejected.`
    : isTooSoon
      ? sync.error?.message
      : sync.isError
        ? `Sync failed: ${sync.error.message}`
        : null;

  return (
    <div className="flex items-center gap-3">
      {message && !sync.isPending ? (
        <span role="status" className="text-sm text-slate-600" data-testid="sync-status">
          {message}
        </span>
      ) : null}
      <Button variant="secondary" onClick={() => sync.mutate()} disabled={sync.isPending || isWaiting}>
        {sync.isPending ? "Syncing…" : isWaiting ? "Wait…" : "Sync now"}
      </Button>
    </div>
  );
}
