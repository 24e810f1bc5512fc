"use client";

import { useRouter } from "next/navigation";
import { useSyncOrders } from "@/components/hooks/use-sync-orders";
import { Button } from "@/components/ui/button";

/** Asks the upstream about every unfinished placed order now, then reloads the page's data. */
export function SyncNowButton({ batchId }: { batchId?: string }) {
  const router = useRouter();
  const sync = useSyncOrders({ batchId, onSuccess: () => router.refresh() });
  const message = sync.isSuccess
    ? `Checked ${sync.data.checked}: ${sync.data.completed} completed, ${sync.data.rejected} rejected.`
    : sync.isError
      ? `Sync failed: ${sync.error.message}`
      : null;

  return (
    <div className="flex items-center gap-3">
      {message && !sync.isPending ? (
        <span role="status" className="text-sm text-slate-600">
          {message}
        </span>
      ) : null}
      <Button variant="secondary" onClick={() => sync.mutate()} disabled={sync.isPending}>
        {sync.isPending ? "Syncing…" : "Sync now"}
      </Button>
    </div>
  );
}
