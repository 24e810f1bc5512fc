"use client";

import type { BatchPace } from "@/lib/batches/schemas";
import { describePace } from "@/lib/batches/pace-text";

/** The batch's pace while it runs ("12.4 orders/s · about 3 min left"), or the phase it is in. */
export function BatchPaceLine({ pace }: { pace: BatchPace | null }) {
  const text = describePace(pace);
  if (!text) return null;
  return (
    <p className="mt-2 text-sm text-slate-700 tabular-nums" data-testid="batch-pace">
      {text}
    </p>
  );
}
