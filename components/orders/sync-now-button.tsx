"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Asks the upstream about every unfinished placed order now, then reloads the page's data. */
export function SyncNowButton({ batchId }: { batchId?: string }) {
  const router = useRouter();
  const [state, setState] = useState<{ busy: boolean; message: string | null }>({
    busy: false,
    message: null,
  });

  async function onClick() {
    setState({ busy: true, message: null });
    try {
      const res = await fetch("/api/v1/orders/sync", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(batchId ? { batchId } : {}),
      });
      const body = (await res.json()) as {
        checked?: number;
        completed?: number;
        rejected?: number;
        error?: { message: string };
      };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      setState({
        busy: false,
        message: `Checked ${body.checked ?? 0}: ${body.completed ?? 0} completed, ${body.rejected ?? 0} rejected.`,
      });
      router.refresh();
    } catch (error) {
      setState({ busy: false, message: `Sync failed: ${(error as Error).message}` });
    }
  }

  return (
    <div className="flex items-center gap-3">
      {state.message ? (
        <span role="status" className="text-sm text-slate-600">
          {state.message}
        </span>
      ) : null}
      <Button variant="secondary" onClick={onClick} disabled={state.busy}>
        {state.busy ? "Syncing…" : "Sync now"}
      </Button>
    </div>
  );
}
