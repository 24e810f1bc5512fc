import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { luhnCheckDigit } from "../lib/imei";
import { sameOrigin } from "./sign-in";

function imei(prefix: string, n: number): string {
  const body = `${prefix}${String(n).padStart(14 - prefix.length, "0")}`;
  return body + luhnCheckDigit(body);
}

async function waitForBatchDone(page: Page, id: string) {
  await expect
    .poll(
      async () =>
        ((await (await page.request.get(`/api/v1/batches/${id}`)).json()) as { status: string }).status,
      { timeout: 60_000 },
    )
    .toBe("done");
}

test("the results file lines up with the uploaded sheet, line by line, as CSV and as Excel", async ({
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  // IMEIs of this run only: the browser tests share one database.
  const run = String(Date.now() % 1_000_000).padStart(6, "0");
  const fresh = Array.from({ length: 5 }, (_, i) => imei(`35${run}`, i + 1));
  const before = imei(`35${run}`, 90);

  // An IMEI ordered before, in a batch of its own, finished.
  const earlier = await page.request.post("/api/v1/batches", {
    headers: sameOrigin(),
    data: { serviceId: "1739", imeis: [before], name: "earlier" },
  });
  expect(earlier.status()).toBe(201);
  const earlierId = ((await earlier.json()) as { id: string }).id;
  const confirmed = await page.request.post(`/api/v1/batches/${earlierId}/confirm`, {
    headers: sameOrigin(),
    data: {},
  });
  expect(confirmed.status()).toBe(202);
  await waitForBatchDone(page, earlierId);

  // A sheet with a header, columns around the IMEI, invalid lines, a blank line, repeats, and the
  // IMEI ordered before. Line numbers are the sheet's (the header is line 1).
  const sheet = [
    "Ref,IMEI,Customer",
    `R1,${fresh[0]},Ann`,
    "R2,12345,Bob",
    `R3,${fresh[1]},Cy`,
    `R4,${before},Di`,
    "",
    `R6,${fresh[0]},Ed`,
    `R7,${fresh[2]!.slice(0, -1)}${(Number(fresh[2]!.at(-1)) + 1) % 10},Flo`,
    `R8,${fresh[3]},Gus`,
    `R9,${fresh[4]},Hal`,
    `R10,${fresh[1]},Ida`,
  ];
  await page.goto("/batches/new");
  const picker = page.getByRole("combobox", { name: "Service" });
  await picker.fill("1739");
  await page.getByRole("option", { name: /Apple iPhone IMEI Carrier \+ Simlock/ }).click();
  await page.getByLabel("Choose a CSV file").setInputFiles({
    name: "customers.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(sheet.join("\n")),
  });
  await page.getByRole("button", { name: "Review cost" }).click();
  await expect(page.getByTestId("reused-heading")).toHaveText(
    "1 IMEI already checked: its result will be reused, $0.00",
  );
  await expect(page.getByTestId("orders-to-place")).toHaveText("4");
  await page.screenshot({ path: testInfo.outputPath("preview-with-repeats.png"), fullPage: true });
  await page.getByRole("button", { name: "Place 4 orders for $0.32" }).click();
  await expect(page).toHaveURL(/\/batches\/[^/]+$/);
  const batchId = page.url().split("/").at(-1)!;
  await expect(page.getByTestId("line-breakdown")).toHaveText(
    "9 lines uploaded: 4 orders · 1 reused earlier result ($0.00) · 2 repeated in the file (same result as their first line) · 2 invalid",
  );
  await expect(page.getByTestId("progress-summary")).toContainText("4 of 4 finished", { timeout: 60_000 });

  // The orders table is in upload order; the reused line links to the earlier order.
  const orders = page.getByRole("table", { name: "Orders of this batch" });
  await expect(orders.getByRole("row").nth(1)).toContainText(fresh[0]!);
  const reused = orders.getByRole("row").filter({ hasText: before });
  await expect(reused).toContainText("Reused");
  await expect(reused.getByRole("link", { name: /Earlier result, reused/ })).toHaveAttribute(
    "href",
    /\/orders\/.+/,
  );
  await page.screenshot({ path: testInfo.outputPath("batch-with-download.png"), fullPage: true });

  const [csvDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-csv").click(),
  ]);
  expect(csvDownload.suggestedFilename()).toMatch(/^customers-results-\d{4}-\d\d-\d\d\.csv$/);
  const csvBytes = await readFile((await csvDownload.path())!);
  expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const parsed = Papa.parse<Record<string, string>>(csvBytes.subarray(3).toString("utf8").trimEnd(), {
    header: true,
    newline: "\r\n",
  });
  expect(parsed.errors).toEqual([]);
  const csvRows = parsed.data;

  const [xlsxDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("download-xlsx").click(),
  ]);
  const workbook = new ExcelJS.Workbook();
  const xlsxBytes = await readFile((await xlsxDownload.path())!);
  await workbook.xlsx.load(
    xlsxBytes.buffer.slice(xlsxBytes.byteOffset, xlsxBytes.byteOffset + xlsxBytes.byteLength),
  );
  const ws = workbook.worksheets[0]!;
  const header = (ws.getRow(1).values as unknown[]).slice(1) as string[];
  const xlsxRows: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n > 1) xlsxRows.push(Object.fromEntries(header.map((h, i) => [h, row.getCell(i + 1).value])));
  });

  // Line by line against the sheet: every non-blank data line, in order, with its own cell.
  const uploaded = sheet
    .map((text, i) => ({ line: i + 1, cells: text.split(",") }))
    .slice(1)
    .filter((l) => l.cells.join("") !== "");
  expect(csvRows).toHaveLength(uploaded.length);
  expect(xlsxRows).toHaveLength(uploaded.length);
  const firstLineOf = new Map<string, number>();
  const invalidLines = new Set([3, 8]); // "12345", and a Luhn check digit off by one
  uploaded.forEach(({ line, cells }, i) => {
    const csv = csvRows[i]!;
    const xlsx = xlsxRows[i]!;
    const cell = cells[1]!;
    expect(csv.LINE).toBe(String(line));
    expect(xlsx.LINE).toBe(line);
    expect(csv.INPUT).toBe(cell);
    expect(xlsx.INPUT).toBe(cell);
    expect(typeof xlsx.IMEI === "string" || xlsx.IMEI === null).toBe(true);
    if (invalidLines.has(line)) {
      expect(csv.STATE, `line ${line}`).toBe("invalid");
      expect(csv.NOTE).not.toBe("");
      expect(csv.PRICE).toBe("");
      expect(xlsx.PRICE).toBeNull();
      return;
    }
    expect(csv.IMEI).toBe(cell);
    expect(xlsx.IMEI).toBe(cell);
    if (cell === before) {
      expect(csv.STATE).toBe("skipped");
      expect(csv.NOTE).toMatch(/^ordered before on \d{4}-\d\d-\d\d — result reused$/);
      expect(csv.RESULT).not.toBe("");
      expect(csv.PRICE).toBe("0.00");
      expect(xlsx.PRICE).toBe(0);
    } else if (firstLineOf.has(cell)) {
      const first = csvRows[uploaded.findIndex((u) => u.line === firstLineOf.get(cell))]!;
      expect(csv.NOTE).toBe(`same as line ${firstLineOf.get(cell)}`);
      expect([csv.STATE, csv.RESULT, csv["UPSTREAM ORDER ID"]]).toEqual([
        first.STATE,
        first.RESULT,
        first["UPSTREAM ORDER ID"],
      ]);
      expect(csv.PRICE).toBe("0.00");
    } else {
      firstLineOf.set(cell, line);
      expect(["completed", "rejected"]).toContain(csv.STATE);
      expect(csv["UPSTREAM ORDER ID"]).toMatch(/^\d+$/);
      expect(xlsx["UPSTREAM ORDER ID"]).toBe(csv["UPSTREAM ORDER ID"]);
      expect(csv.PRICE).toBe("0.08");
      expect(xlsx.PRICE).toBe(0.08);
      expect(csv.RESULT).toBe(String(xlsx.RESULT ?? ""));
    }
  });
  expect(csvRows.filter((r) => r.STATE === "invalid")).toHaveLength(invalidLines.size);
  expect(batchId).toBeTruthy();
});
