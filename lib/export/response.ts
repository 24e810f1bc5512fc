/**
 * An export as an HTTP answer: CSV or XLSX from the same columns, streamed page by page so memory stays
 * flat however many rows there are. The first page is read before the answer is made, so a failing first
 * read becomes an error answer rather than an empty file under a 200; a failure later cuts the download
 * off (the browser then reports it failed) instead of ending a file that looks complete.
 */
import { Readable } from "node:stream";
import { log } from "@/lib/log";
import type { ExportColumn } from "./columns";
import { csvHeader, csvRows } from "./csv";
import { createXlsxWriter } from "./xlsx";

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

export type ExportInput<Row> = {
  format: ExportFormat;
  /** Without extension; the format's is added. */
  fileName: string;
  sheetName: string;
  columns: readonly ExportColumn<Row>[];
  /** Pages of rows in file order. */
  pages: AsyncIterator<readonly Row[]>;
  /** The zone dates are written in. */
  timeZone: string;
};

export async function exportResponse<Row>(input: ExportInput<Row>): Promise<Response> {
  const first = await input.pages.next();
  const firstPage = first.done ? [] : first.value;
  const body =
    input.format === "csv"
      ? csvBody(input, firstPage, first.done ?? false)
      : xlsxBody(input, firstPage, first.done ?? false);
  return new Response(body, {
    headers: {
      "Content-Type": CONTENT_TYPES[input.format],
      "Content-Disposition": `attachment; filename="${input.fileName}.${input.format}"`,
      "Cache-Control": "no-store",
    },
  });
}

function csvBody<Row>(
  input: ExportInput<Row>,
  firstPage: readonly Row[],
  done: boolean,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: string | null =
    csvHeader(input.columns as readonly ExportColumn<never>[]) +
    csvRows(input.columns, firstPage, input.timeZone);
  let finished = done;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending !== null) {
        controller.enqueue(encoder.encode(pending));
        pending = null;
        if (finished) controller.close();
        return;
      }
      let next: IteratorResult<readonly Row[]>;
      try {
        next = await input.pages.next();
      } catch (error) {
        log.error("export.failed", { file: input.fileName, error });
        throw error;
      }
      if (next.done) {
        finished = true;
        controller.close();
      } else controller.enqueue(encoder.encode(csvRows(input.columns, next.value, input.timeZone)));
    },
    async cancel() {
      await input.pages.return?.();
    },
  });
}

function xlsxBody<Row>(
  input: ExportInput<Row>,
  firstPage: readonly Row[],
  done: boolean,
): ReadableStream<Uint8Array> {
  const writer = createXlsxWriter({
    columns: input.columns,
    sample: firstPage,
    sheetName: input.sheetName,
    timeZone: input.timeZone,
  });
  const { output } = writer;
  void (async () => {
    try {
      await writer.addRows(firstPage);
      if (!done) {
        for (;;) {
          if (output.destroyed) {
            await input.pages.return?.();
            return;
          }
          const next = await input.pages.next();
          if (next.done) break;
          await writer.addRows(next.value);
        }
      }
      await writer.finish();
    } catch (error) {
      log.error("export.failed", { file: input.fileName, error });
      output.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return Readable.toWeb(output) as ReadableStream<Uint8Array>;
}
