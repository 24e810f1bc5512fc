/**
 * CSV that opens right in a spreadsheet: UTF-8 with a byte-order mark (Excel otherwise reads UTF-8 as a
 * legacy code page and mangles "Ü" and emoji), RFC 4180 quoting with CRLF line ends, numbers and prices
 * as plain numbers, dates as "YYYY-MM-DD HH:MM:SS", and text cells made safe from formula injection
 * (csv-cell.ts).
 */
import { toDecimalString, type Micros } from "@/lib/money";
import type { CellValue, ExportColumn } from "./columns";
import { toCsvCell } from "./csv-cell";
import { formatWallClock } from "./wall-clock";

export const BOM = "\uFEFF";

function csvField(kind: ExportColumn<unknown>["kind"], value: CellValue, timeZone: string): string {
  if (value === null || value === undefined || value === "") return "";
  if (kind === "money" && typeof value === "bigint") return toDecimalString(value as Micros);
  if (kind === "number" && typeof value === "number") return String(value);
  if (kind === "date" && value instanceof Date) return formatWallClock(value, timeZone);
  return toCsvCell(value instanceof Date ? value.toISOString() : String(value));
}

export function csvHeader(columns: readonly ExportColumn<never>[]): string {
  return BOM + columns.map((c) => toCsvCell(c.header)).join(",") + "\r\n";
}

export function csvRows<Row>(
  columns: readonly ExportColumn<Row>[],
  rows: readonly Row[],
  timeZone: string,
): string {
  let text = "";
  for (const row of rows) {
    text += columns.map((c) => csvField(c.kind, c.value(row), timeZone)).join(",") + "\r\n";
  }
  return text;
}
