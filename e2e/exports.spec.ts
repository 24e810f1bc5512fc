import ExcelJS from "exceljs";
import Papa from "papaparse";
import { expect, test } from "@playwright/test";
import { luhnCheckDigit } from "../lib/imei";
import { sameOrigin } from "./sign-in";

const luhnImei = (body: string) => body + luhnCheckDigit(body);
// This spec's own IMEIs; the first starts with 0, which a spreadsheet would drop from a number.
const IMEIS = [luhnImei("01234567890123"), luhnImei("35012345678901"), luhnImei("35012345678902")];

test("the order history exports open right in a spreadsheet reader: XLSX typed, CSV with a BOM", async ({
  page,
}) => {
  const headers = sameOrigin();
  const draft = await page.request.post("/api/v1/batches", {
    data: { serviceId: "1739", imeis: IMEIS, name: "export-check" },
    headers,
  });
  expect(draft.status()).toBe(201);
  const { id } = (await draft.json()) as { id: string };
  expect((await page.request.post(`/api/v1/batches/${id}/confirm`, { headers })).status()).toBe(202);
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/v1/batches/${id}`)).json()) as { status: string }).status,
      { timeout: 45_000 },
    )
    .toBe("done");
  const api = (await (await page.request.get(`/api/v1/orders?batchId=${id}`)).json()) as {
    orders: { imei: string; upstreamOrderId: string; result: { carrier?: string } | null }[];
  };
  const byImei = new Map(api.orders.map((o) => [o.imei, o]));

  const xlsx = await page.request.get(
    `/api/v1/orders/export.xlsx?batchId=${id}&layout=extended&tz=Europe/Berlin`,
  );
  expect(xlsx.status()).toBe(200);
  expect(xlsx.headers()["content-disposition"]).toMatch(/attachment; filename="imei-desk-orders-.*\.xlsx"/);
  const workbook = new ExcelJS.Workbook();
  const file = await xlsx.body();
  await workbook.xlsx.load(
    file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer,
  );
  const sheet = workbook.worksheets[0]!;
  expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
  const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  expect(header.slice(0, 6)).toEqual(["BATCH", "BATCH CREATED", "LINE", "OPERATOR", "SERVICE", "IMEI NO."]);
  const col = (name: string) => header.indexOf(name) + 1;
  expect(sheet.rowCount).toBe(1 + IMEIS.length);
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const imei = row.getCell(col("IMEI NO.")).value;
    expect(typeof imei).toBe("string");
    const order = byImei.get(imei as string)!;
    expect(order).toBeDefined();
    expect(row.getCell(col("CREDITS")).value).toBe(0.08);
    expect(row.getCell(col("PLACED")).type).toBe(ExcelJS.ValueType.Date);
    expect(row.getCell(col("UPSTREAM ID")).value).toBe(order.upstreamOrderId);
    expect(row.getCell(col("CARRIER")).value ?? null).toBe(order.result?.carrier ?? null);
    expect(row.getCell(col("BATCH")).value).toBe("export-check");
    expect(row.getCell(col("LINE")).value).toBe(IMEIS.indexOf(imei as string) + 1);
  }

  const csv = await page.request.get(`/api/v1/orders/export.csv?batchId=${id}`);
  const bytes = await csv.body();
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const rows = Papa.parse<string[]>(bytes.subarray(3).toString("utf8").trimEnd(), { newline: "\r\n" }).data;
  expect(rows).toHaveLength(1 + IMEIS.length);
  expect(
    rows
      .slice(1)
      .map((r) => r[1])
      .sort(),
  ).toEqual([...IMEIS].sort());
  for (const row of rows.slice(1)) expect(row[2]).toBe("0.08");
});
