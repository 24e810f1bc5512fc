/** A batch's results file as a person downloads it: CSV or XLSX, audited before a row leaves. */
import "server-only";
import { recordAudit } from "@/lib/admin/audit";
import type { HandlerContext } from "@/lib/api";
import { findBatchFor } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { exportResponse, type ExportFormat } from "@/lib/export/response";
import { requestTimeZone } from "@/lib/viewer-time-zone";
import { readBatchResultPages, RESULTS_COLUMNS } from "./results";

/**
 * The results file of a batch the user may see (another's is the unknown-id 404), drafts and running
 * batches too: what is known so far. Records who downloaded which batch's file first.
 */
export async function exportBatchResults(
  db: Db,
  user: AppUser,
  batchId: string,
  options: { format: ExportFormat; timeZone: string },
): Promise<Response> {
  const batch = await findBatchFor(db, user, batchId, "see");
  await recordAudit(db, {
    actorId: user.id,
    action: "batch.results",
    targetType: "batch",
    targetId: batch.id,
    details: { format: options.format, state: batch.state },
  });
  const stem = batch.sourceName
    .replace(/\.[a-z0-9]{1,4}$/i, "")
    .replace(/[^\w.-]+/g, "-")
    .slice(0, 60);
  return exportResponse({
    format: options.format,
    fileName: `${stem || "batch"}-results-${batch.createdAt.toISOString().slice(0, 10)}`,
    sheetName: "Results",
    columns: RESULTS_COLUMNS,
    pages: readBatchResultPages(db, batch.id, { timeZone: options.timeZone }),
    timeZone: options.timeZone,
  });
}

/** The handler both results routes share: the zone from `?tz=` or the `tz` cookie. */
export function batchResultsHandler(format: ExportFormat) {
  return async ({ req, user, db, params }: HandlerContext<{ id: string }>) =>
    exportBatchResults(db, user, params.id, { format, timeZone: requestTimeZone(req) });
}
