/**
 * XLSX written as it streams (exceljs's streaming WorkbookWriter: rows are committed and zipped as they
 * come, never held as a workbook). IMEIs and ids are text cells, prices numbers, dates date cells in the
 * export's time zone; the header row is bold and frozen with a filter, and column widths fit the header
 * and the first page of rows (the sheet's column widths precede its rows in the file, so later rows
 * cannot widen them).
 */
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { MAX_WIDTH, type CellValue, type ColumnKind, type ExportColumn } from "./columns";
import { formatWallClock, toWallClock } from "./wall-clock";

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = {
  money: "0.00####",
  date: "yyyy-mm-dd hh:mm:ss",
  text: "@",
};

function xlsxValue(kind: ColumnKind, value: CellValue, timeZone: string): string | number | Date | null {
  if (value === null || value === undefined || value === "") return null;
  if (kind === "money" && typeof value === "bigint") return Number(value) / 1_000_000;
  if (kind === "number" && typeof value === "number") return value;
  if (kind === "date" && value instanceof Date) return toWallClock(value, timeZone);
  return value instanceof Date ? value.toISOString() : String(value);
}

function shownLength(kind: ColumnKind, value: CellValue, timeZone: string): number {
  if (value === null || value === undefined) return 0;
  if (kind === "date" && value instanceof Date) return formatWallClock(value, timeZone).length;
  if (kind === "money" && typeof value === "bigint") return String(Number(value) / 1_000_000).length + 1;
  return Math.max(
    ...String(value)
      .split("\n")
      .map((line) => line.length),
  );
}

/** Widths in characters that fit the header and the sample rows, within [8, MAX_WIDTH]. */
export function columnWidths<Row>(
  columns: readonly ExportColumn<Row>[],
  sample: readonly Row[],
  timeZone: string,
) {
  return columns.map((column) => {
    let widest = column.header.length;
    for (const row of sample)
      widest = Math.max(widest, shownLength(column.kind, column.value(row), timeZone));
    return Math.min(MAX_WIDTH, Math.max(8, widest + 2));
  });
}

/** Resolves when the stream wants more, or is gone (the reader hung up). */
function roomOrClose(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

export type XlsxWriter<Row> = {
  /** The file's bytes, as they are zipped. */
  output: PassThrough;
  /** Writes rows; resolves once the output has room again, so a slow reader holds the writer back. */
  addRows(rows: readonly Row[]): Promise<void>;
  finish(): Promise<void>;
};

export function createXlsxWriter<Row>(input: {
  columns: readonly ExportColumn<Row>[];
  sample: readonly Row[];
  sheetName: string;
  timeZone: string;
}): XlsxWriter<Row> {
  const { columns, timeZone } = input;
  const output = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: output,
    useStyles: true,
    useSharedStrings: false,
  });
  const widths = columnWidths(columns, input.sample, timeZone);
  const sheet = workbook.addWorksheet(input.sheetName.slice(0, 31), {
    views: [{ state: "frozen", ySplit: 1 }],
  });
  sheet.columns = columns.map((column, i) => ({
    key: String(i),
    width: widths[i],
    style: {
      ...(NUMBER_FORMATS[column.kind] ? { numFmt: NUMBER_FORMATS[column.kind] } : {}),
      ...(column.kind === "multiline" ? { alignment: { wrapText: true, vertical: "top" as const } } : {}),
    },
  }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();

  return {
    output,
    async addRows(rows) {
      for (const row of rows) {
        sheet.addRow(columns.map((c) => xlsxValue(c.kind, c.value(row), timeZone))).commit();
      }
      // Let the zip stream take what was written before more rows come.
      await new Promise((resolve) => setImmediate(resolve));
      if (output.writableNeedDrain && !output.destroyed) await roomOrClose(output);
    },
    async finish() {
      sheet.commit();
      await workbook.commit();
    },
  };
}
