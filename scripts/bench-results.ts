// The results-file part of `npm run bench`: the CSV and XLSX results file of a 20,000-line batch (invalid
// lines, repeats within the file, IMEIs reused from an earlier batch, every placed order completed with a
// result), streamed as the route streams it. Prints the time, the file size, and the peak memory the
// download adds (RSS sampled every 10 ms), and compares with reading the same rows without writing a file.
import type { AppUser } from "@/lib/auth/users";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { readBatchResultPages, RESULTS_COLUMNS } from "@/lib/batches/results";
import type { Db } from "@/lib/db";
import { exportResponse, type ExportFormat } from "@/lib/export/response";
import { parseResultCode } from "@/lib/gsmfusion/result-parser";
import { luhnCheckDigit } from "@/lib/imei";
import { claimQueuedOrders, markSubmitting, recordFinalStatus, recordPlaced } from "@/lib/orders/transitions";

const CODE =
  "Model: iPhone 13 Pro Max 256GB Graphite<br>IMEI: 353979106673567<br>IMEI2: 353979106673575<br>Serial: F2LXK0ABCDEF<br>Carrier: AT&T USA<br>SIM Lock: Locked<br>Find My iPhone: ON<br>Purchase Date: 2023-02-11<br>Warranty: Expired";

function imei(seed: number): string {
  const body = `35${String(seed).padStart(12, "0")}`;
  return body + luhnCheckDigit(body);
}

let upstream = 50_000_000;

/** Completes every queued order of a batch through the real transitions (placed, then a final result). */
async function completeAll(db: Db, batchId: string): Promise<void> {
  const parsed = parseResultCode(CODE);
  const claimed = await claimQueuedOrders(db, {
    workerId: "bench",
    batchId,
    limit: 100_000,
    leaseMs: 600_000,
  });
  // 16 at a time: PostgreSQL takes them side by side; SQLite's write lock serialises them anyway.
  let next = 0;
  const lane = async () => {
    while (next < claimed.length) await complete(claimed[(next += 1) - 1]!);
  };
  const complete = async (order: { id: string }) => {
    const now = new Date();
    await markSubmitting(db, { orderId: order.id, workerId: "bench", leaseMs: 600_000, now });
    await recordPlaced(db, {
      orderId: order.id,
      workerId: "bench",
      upstreamOrderId: String((upstream += 1)),
      upstreamStatus: "Pending",
      nextCheckAt: now,
      now,
    });
    await recordFinalStatus(db, {
      orderId: order.id,
      status: "completed",
      code: CODE,
      parsed,
      overdue: false,
      now,
    });
  };
  await Promise.all(Array.from({ length: 16 }, lane));
}

async function measure<T>(run: () => Promise<T>): Promise<{ ms: number; peakMb: number; value: T }> {
  if (global.gc) global.gc();
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const t = performance.now();
  const value = await run();
  const ms = performance.now() - t;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms, peakMb: (peak - base) / 2 ** 20, value };
}

async function download(db: Db, batchId: string, format: ExportFormat): Promise<number> {
  const response = await exportResponse({
    format,
    fileName: "bench",
    sheetName: "Results",
    columns: RESULTS_COLUMNS,
    pages: readBatchResultPages(db, batchId, { timeZone: "Europe/Berlin" }),
    timeZone: "Europe/Berlin",
  });
  let bytes = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

/** Builds the 20,000-line batch and measures its results files; returns the rows to print. */
export async function benchResults(db: Db, user: AppUser, lines = 20_000): Promise<[string, string][]> {
  const t0 = performance.now();
  // 1,000 IMEIs ordered (and completed) before: the big batch reuses their results.
  const earlierImeis = Array.from({ length: 1_000 }, (_, i) => imei(9_000_000 + i));
  const earlier = await createDraft(db, user, { serviceId: "1739", imeis: earlierImeis });
  await confirmBatch(db, user, earlier.id);
  await completeAll(db, earlier.id);

  const rows = ["Ref;IMEI;Colour"];
  for (let i = 0; i < lines; i += 1) {
    const cell =
      i % 100 === 7
        ? "not an imei" // 1 % invalid
        : i % 50 === 3
          ? imei(8_000_000 + i - 1) // 2 % repeat an earlier line of the file (or its invalid neighbour)
          : i % 20 === 11
            ? earlierImeis[Math.floor(i / 20) % 1_000]! // 5 % ordered before
            : imei(8_000_000 + i);
    rows.push(`R${i};${cell};black`);
  }
  const draft = await createDraft(db, user, { serviceId: "1739", csv: rows.join("\n"), name: "bench.csv" });
  await confirmBatch(db, user, draft.id);
  await completeAll(db, draft.id);
  // Fresh planner statistics, as autovacuum keeps them on a running PostgreSQL after 60,000 writes.
  if (db.provider === "postgresql") await db.prisma.$executeRaw`ANALYZE`;
  const setupS = (performance.now() - t0) / 1000;

  // The ideal: the same rows read and shaped, no file written.
  const read = await measure(async () => {
    let n = 0;
    for await (const page of readBatchResultPages(db, draft.id, { timeZone: "Europe/Berlin" }))
      n += page.length;
    return n;
  });
  const csv = await measure(() => download(db, draft.id, "csv"));
  const xlsx = await measure(() => download(db, draft.id, "xlsx"));
  const counts = await db.prisma.order.groupBy({ by: ["state"], where: { batchId: draft.id }, _count: true });
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  return [
    [
      "results: batch lines",
      `${read.value.toLocaleString("en-US")} (${counts.map((c) => `${c._count} ${c.state}`).join(", ")}, ${draft.invalid.length} invalid, ${draft.duplicatesInBatch} repeated in the file)`,
    ],
    ["results: setup (draft, confirm, complete all)", `${setupS.toFixed(1)} s`],
    [
      "results: rows read, no file (the ideal)",
      `${(read.ms / 1000).toFixed(2)} s, peak +${read.peakMb.toFixed(0)} MB RSS`,
    ],
    [
      "results.csv",
      `${(csv.ms / 1000).toFixed(2)} s (${(csv.ms / read.ms).toFixed(2)}× the ideal), ${mb(csv.value)}, peak +${csv.peakMb.toFixed(0)} MB RSS`,
    ],
    [
      "results.xlsx",
      `${(xlsx.ms / 1000).toFixed(2)} s (${(xlsx.ms / read.ms).toFixed(2)}× the ideal), ${mb(xlsx.value)}, peak +${xlsx.peakMb.toFixed(0)} MB RSS`,
    ],
  ];
}
