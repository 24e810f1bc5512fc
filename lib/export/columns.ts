/**
 * What an export is made of: a list of columns, each with a header, a kind and how to read its value from
 * a row. The same definition writes the CSV and the XLSX file, so both carry the same columns in the same
 * order and the kinds decide how each cell is typed in a spreadsheet.
 */
import type { Micros } from "@/lib/money";

/**
 * - `text`: written as text in XLSX (IMEIs, order ids: a spreadsheet must not turn 15 digits into 3.5E+14)
 * - `number`: a plain number
 * - `money`: integer micro-units in, a plain decimal number out (`0.08`, never `$0.08`)
 * - `date`: a moment, written as the wall-clock time in the export's time zone (a date cell in XLSX)
 * - `multiline`: text whose line breaks are kept (wrapped in XLSX)
 */
export type ColumnKind = "text" | "number" | "money" | "date" | "multiline";

export type CellValue = string | number | Micros | Date | null | undefined;

export type ExportColumn<Row> = {
  header: string;
  kind: ColumnKind;
  value: (row: Row) => CellValue;
};

/** The widest a column is made in XLSX, in characters; longer text wraps or runs on when clicked. */
export const MAX_WIDTH = 60;
