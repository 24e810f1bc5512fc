"use client";

import { buttonClasses } from "@/components/ui/button";
import { BATCH_COUNT_KEYS, type BatchProgress, type CountKey } from "@/lib/batches/schemas";
import { formatCount, plural } from "@/lib/format";

/** Order states that are the batch's own work: every one but `skipped` (a repeat never placed). */
export const PLACED_COUNT_KEYS = BATCH_COUNT_KEYS.filter(
  (key): key is Exclude<CountKey, "skipped"> => key !== "skipped",
);

/**
 * The results file, one row per uploaded line in upload order. Offered while the batch runs too: the file
 * holds what is known so far.
 */
export function DownloadResults({ batchId }: { batchId: string }) {
  const base = `/api/v1/batches/${encodeURIComponent(batchId)}`;
  return (
    <div className="flex items-center gap-2" role="group" aria-label="Download results">
      <span className="text-sm text-slate-600">Download results</span>
      <a
        href={`${base}/results.xlsx`}
        download
        className={buttonClasses("secondary", "sm")}
        data-testid="download-xlsx"
      >
        Excel
      </a>
      <a
        href={`${base}/results.csv`}
        download
        className={buttonClasses("secondary", "sm")}
        data-testid="download-csv"
      >
        CSV
      </a>
    </div>
  );
}

/**
 * Where every uploaded line went, adding up to the lines read: the orders placed (the progress above),
 * repeats of earlier orders whose results are reused at no cost, repeats within the file and invalid lines.
 */
export function LineBreakdown({ progress, orders }: { progress: BatchProgress; orders: number }) {
  const skipped = progress.counts.skipped;
  const parts = [
    plural(orders, "order"),
    skipped > 0
      ? `${formatCount(skipped)} reused earlier ${skipped === 1 ? "result" : "results"} ($0.00)`
      : null,
    progress.duplicatesInBatch > 0
      ? `${formatCount(progress.duplicatesInBatch)} repeated in the file (same result as ${progress.duplicatesInBatch === 1 ? "its" : "their"} first line)`
      : null,
    progress.invalid > 0 ? `${formatCount(progress.invalid)} invalid` : null,
  ].filter(Boolean);
  return (
    <p className="mt-3 text-sm text-slate-600" data-testid="line-breakdown">
      {plural(progress.total, "line")} uploaded: {parts.join(" · ")}
    </p>
  );
}
