/**
 * The results routes as a spreadsheet sees them, on both databases: the XLSX opened with exceljs's reader
 * (IMEI and id cells are strings, prices numbers, the header frozen), the CSV with its byte-order mark,
 * RFC 4180 quoting and the formula guard; who may download; each download audited.
 */
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as csvRoute from "@/app/api/v1/batches/[id]/results.csv/route";
import * as xlsxRoute from "@/app/api/v1/batches/[id]/results.xlsx/route";
import { createApiToken } from "@/lib/auth/tokens";
import { describeEachDb } from "@/lib/test/db";
import { driveOrder } from "@/lib/test/drive-order";
import { createEngineFixture, insertUser, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import { confirmBatch } from "./confirm";
import { createDraft } from "./create-draft";
import { RESULTS_COLUMNS } from "./results";

const CODE = 'Model: iPhone 12<br>Carrier: =HYPERLINK("x")<br>SIM Lock: Locked, "hard"';

describeEachDb("batch results files", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let tokens: { owner: string; other: string; admin: string };
  let batchId: string;
  let imeis: string[];
  let upstreamId: string;

  async function get(format: "csv" | "xlsx", token: string, id = batchId, query = "") {
    const route = (format === "csv" ? csvRoute : xlsxRoute).GET.withDeps({ db: f.db, upstream: f.client });
    const req = new Request(`http://localhost/api/v1/batches/${id}/results.${format}${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return route(req, { params: Promise.resolve({ id }) });
  }

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
    const other = await insertUser(f.db, "other@test.local", "operator");
    tokens = {
      owner: (await createApiToken(f.db, f.operator.id)).token,
      other: (await createApiToken(f.db, other.id)).token,
      admin: (await createApiToken(f.db, f.admin.id)).token,
    };
    // IMEIs starting with 0 must stay text: a spreadsheet would drop the zero of a number.
    imeis = makeImeis(2, 901).map((imei) => `0${imei.slice(1, 14)}`);
    const { luhnCheckDigit } = await import("@/lib/imei");
    imeis = imeis.map((body) => body + luhnCheckDigit(body));
    const csv = [
      "IMEI;Note",
      `${imeis[0]};first`,
      "=1+1;formula",
      `${imeis[1]};second`,
      `${imeis[0]};again`,
    ].join("\n");
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", csv, name: "shop sheet.csv" });
    batchId = draft.id;
    await confirmBatch(f.db, f.operator, batchId);
    const order = await f.db.prisma.order.findFirstOrThrow({ where: { batchId, imei: imeis[0]! } });
    upstreamId = (await driveOrder(f.db, { batchId, orderId: order.id }, { to: "completed", code: CODE }))!;
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("writes the CSV with a byte-order mark, quoting, guarded formulas and plain prices", async () => {
    const response = await get("csv", tokens.owner);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="shop-sheet-results-\d{4}-\d\d-\d\d\.csv"$/,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: "\r\n" });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(RESULTS_COLUMNS.map((c) => c.header));
    const col = (name: string) => header!.indexOf(name);
    expect(
      rows.map((r) => [r[col("LINE")], r[col("INPUT")], r[col("STATE")], r[col("PRICE")], r[col("NOTE")]]),
    ).toEqual([
      ["2", imeis[0], "completed", "0.08", ""],
      ["3", "'=1+1", "invalid", "", expect.stringMatching(/.+/)],
      ["4", imeis[1], "queued", "0.08", ""],
      ["5", imeis[0], "completed", "0.00", "same as line 2"],
    ]);
    expect(rows[0]![col("UPSTREAM ORDER ID")]).toBe(upstreamId);
    expect(rows[0]![col("CARRIER")]).toBe(`'=HYPERLINK("x")`);
    expect(rows[0]![col("SIMLOCK")]).toBe('Locked, "hard"');
    expect(rows[0]![col("RESULT")]).toBe(
      `Model: iPhone 12\nCarrier: =HYPERLINK("x")\nSIM Lock: Locked, "hard"`,
    );
    expect(text).toContain('"Locked, ""hard"""');
  });

  it("writes the XLSX with IMEIs and ids as text, prices as numbers and a frozen header", async () => {
    const response = await get("xlsx", tokens.admin);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("Results");
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(RESULTS_COLUMNS.map((c) => c.header));
    const cell = (row: number, name: string) => sheet.getRow(row).getCell(header.indexOf(name) + 1).value;
    expect(sheet.rowCount).toBe(5);
    expect(cell(2, "IMEI")).toBe(imeis[0]);
    expect(typeof cell(2, "IMEI")).toBe("string");
    expect(cell(2, "UPSTREAM ORDER ID")).toBe(upstreamId);
    expect(typeof cell(2, "UPSTREAM ORDER ID")).toBe("string");
    expect(cell(2, "PRICE")).toBe(0.08);
    expect(cell(5, "PRICE")).toBe(0);
    expect(cell(3, "PRICE")).toBeNull();
    expect(cell(2, "LINE")).toBe(2);
    expect(cell(3, "INPUT")).toBe("=1+1"); // a typed text cell: never run as a formula
    expect(cell(2, "CARRIER")).toBe('=HYPERLINK("x")');
    expect(cell(5, "NOTE")).toBe("same as line 2");
  });

  it("answers another operator exactly as an unknown id, and audits each download", async () => {
    const before = await f.db.prisma.auditEvent.count({ where: { action: "batch.results" } });
    for (const format of ["csv", "xlsx"] as const) {
      const theirs = await get(format, tokens.other);
      const unknown = await get(format, tokens.other, "no-such-batch");
      expect(theirs.status).toBe(404);
      expect(await theirs.json()).toEqual(await unknown.json());
    }
    expect(await f.db.prisma.auditEvent.count({ where: { action: "batch.results" } })).toBe(before);
    await (await get("csv", tokens.owner)).text();
    const events = await f.db.prisma.auditEvent.findMany({ where: { action: "batch.results" } });
    expect(events.at(-1)).toMatchObject({ actorId: f.operator.id, targetId: batchId });
  });
});
