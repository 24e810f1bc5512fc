/**
 * The export writer as a spreadsheet sees it: CSV read back with a CSV parser, XLSX opened with exceljs's
 * reader. Cell types, quoting, the byte-order mark, dates in the asked zone, and what happens when reading
 * rows fails part-way or the reader hangs up.
 */
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterEach, describe, expect, it } from "vitest";
import { setLogSink } from "@/lib/log";
import type { ExportColumn } from "./columns";
import { exportResponse, type ExportFormat } from "./response";

type Row = { imei: string; price: bigint; at: Date; text: string; count: number | null };

const COLUMNS: ExportColumn<Row>[] = [
  { header: "IMEI", kind: "text", value: (r) => r.imei },
  { header: "PRICE", kind: "money", value: (r) => r.price },
  { header: "AT", kind: "date", value: (r) => r.at },
  { header: "RESULT", kind: "multiline", value: (r) => r.text },
  { header: "COUNT", kind: "number", value: (r) => r.count },
];

const ROWS: Row[] = [
  {
    imei: "013979106673005",
    price: 80_000n,
    at: new Date("2026-11-30T23:30:00Z"),
    text: "Model: iPhone 13\nCarrier: AT&T",
    count: 1,
  },
  {
    imei: "353979106673013",
    price: 100_000_000n,
    at: new Date("2026-07-01T12:00:05Z"),
    text: 'a "quoted", text; here',
    count: null,
  },
  { imei: "353979106673021", price: 0n, at: new Date("2026-01-01T00:00:00Z"), text: "=1+1", count: 3 },
];

async function* pagesOf<T>(pages: T[][], onEnd?: () => void, failAt?: number): AsyncGenerator<T[]> {
  try {
    for (let i = 0; i < pages.length; i++) {
      if (i === failAt) throw new Error("database went away");
      yield pages[i]!;
    }
  } finally {
    onEnd?.();
  }
}

function exportOf(format: ExportFormat, pages: AsyncIterator<readonly Row[]>, timeZone = "Europe/Berlin") {
  return exportResponse({ format, fileName: "test", sheetName: "Orders", columns: COLUMNS, pages, timeZone });
}

let restoreLog: (() => void) | undefined;
afterEach(() => restoreLog?.());

function captureLog(): string[] {
  const lines: string[] = [];
  restoreLog = setLogSink((_level, line) => lines.push(line));
  return lines;
}

describe("CSV", () => {
  it("starts with a byte-order mark, quotes per RFC 4180 and writes prices and dates plainly", async () => {
    const response = await exportOf("csv", pagesOf([[ROWS[0]!], [ROWS[1]!, ROWS[2]!]]));
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="test.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.endsWith("\r\n")).toBe(true);
    const parsed = Papa.parse<string[]>(text.trimEnd(), { delimiter: ",", newline: "\r\n" }).data;
    expect(parsed).toEqual([
      ["IMEI", "PRICE", "AT", "RESULT", "COUNT"],
      ["013979106673005", "0.08", "2026-12-01 00:30:00", "Model: iPhone 13\nCarrier: AT&T", "1"],
      ["353979106673013", "100.00", "2026-07-01 14:00:05", 'a "quoted", text; here', ""],
      ["353979106673021", "0.00", "2026-01-01 01:00:00", "'=1+1", "3"],
    ]);
  });

  it("is a header alone when nothing matches", async () => {
    const bytes = await (await exportOf("csv", pagesOf<Row>([]))).arrayBuffer();
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(text).toBe("\uFEFFIMEI,PRICE,AT,RESULT,COUNT\r\n");
  });
});

async function readWorkbook(response: Response) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(await response.arrayBuffer());
  return workbook.worksheets[0]!;
}

describe("XLSX", () => {
  it("types each cell: IMEIs as text, prices as numbers, dates as dates in the asked zone", async () => {
    const response = await exportOf("xlsx", pagesOf([[ROWS[0]!], [ROWS[1]!, ROWS[2]!]]));
    expect(response.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    const sheet = await readWorkbook(response);
    expect(sheet.name).toBe("Orders");
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(1).values).toEqual([undefined, "IMEI", "PRICE", "AT", "RESULT", "COUNT"]);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBe("013979106673005");
    expect(first.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(first.getCell(2).value).toBe(0.08);
    expect(first.getCell(2).type).toBe(ExcelJS.ValueType.Number);
    expect(first.getCell(3).type).toBe(ExcelJS.ValueType.Date);
    // The wall clock in Berlin, as a spreadsheet shows it (its dates have no zone).
    expect((first.getCell(3).value as Date).toISOString()).toBe("2026-12-01T00:30:00.000Z");
    expect(first.getCell(3).numFmt).toBe("yyyy-mm-dd hh:mm:ss");
    expect(first.getCell(4).value).toBe("Model: iPhone 13\nCarrier: AT&T");
    expect(first.getCell(5).value).toBe(1);
    expect(sheet.getRow(3).getCell(2).value).toBe(100);
    expect(sheet.getRow(3).getCell(5).value).toBeNull();
    expect(sheet.getRow(4).getCell(4).value).toBe("=1+1");
    expect(sheet.getRow(4).getCell(4).type).toBe(ExcelJS.ValueType.String);
  });

  it("freezes the header row and sizes columns to fit the header and the first page", async () => {
    const sheet = await readWorkbook(await exportOf("xlsx", pagesOf([ROWS])));
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const widths = sheet.columns.map((c) => c.width);
    expect(widths[0]).toBeGreaterThanOrEqual("013979106673005".length);
    expect(widths[2]).toBeGreaterThanOrEqual("2026-12-01 00:30:00".length);
    expect(widths[3]).toBeGreaterThanOrEqual('a "quoted", text; here'.length);
    for (const width of widths) expect(width).toBeLessThanOrEqual(60);
  });

  it("holds the header alone when nothing matches", async () => {
    const sheet = await readWorkbook(await exportOf("xlsx", pagesOf<Row>([])));
    expect(sheet.rowCount).toBe(1);
  });
});

describe("failures", () => {
  it("refuses to answer when the first page cannot be read", async () => {
    await expect(exportOf("csv", pagesOf([ROWS], undefined, 0))).rejects.toThrow("database went away");
    await expect(exportOf("xlsx", pagesOf([ROWS], undefined, 0))).rejects.toThrow("database went away");
  });

  it.each(["csv", "xlsx"] as const)(
    "cuts a %s download off when a later page fails, and logs it",
    async (format) => {
      const lines = captureLog();
      const response = await exportOf(format, pagesOf([ROWS, ROWS, ROWS], undefined, 2));
      await expect(response.arrayBuffer()).rejects.toThrow();
      expect(lines.some((l) => l.includes("export.failed") && l.includes("database went away"))).toBe(true);
    },
  );

  it.each(["csv", "xlsx"] as const)("stops reading rows when a %s reader hangs up", async (format) => {
    let ended = false;
    let served = 0;
    const many = Array.from({ length: 10_000 }, () => ROWS);
    const pages = (async function* () {
      try {
        for (const page of many) {
          served += 1;
          yield page;
        }
      } finally {
        ended = true;
      }
    })();
    const response = await exportOf(format, pages);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    for (let i = 0; i < 100 && !ended; i++) await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(true);
    expect(served).toBeLessThan(many.length);
  });
});
