/**
 * The results file's rows: one per uploaded line, in upload order, blank lines aside, for a batch with
 * invalid lines, repeats within the file, repeats of earlier orders (carrying the earlier result) and
 * orders in every state; and the batch's counts add up to its lines.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ownerScopeFor } from "@/lib/auth/permissions";
import { formatDateTime } from "@/lib/format";
import { describeEachDb } from "@/lib/test/db";
import { driveOrder, type DriveTo } from "@/lib/test/drive-order";
import { createEngineFixture, insertUser, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import { cancelBatch } from "./cancel";
import { confirmBatch } from "./confirm";
import { createDraft } from "./create-draft";
import { listBatchOrders } from "./orders";
import { getBatchProgress } from "./progress";
import { readBatchResults, type ResultsRow } from "./results";
import { BATCH_COUNT_KEYS } from "./schemas";

const CODE =
  "Model: iPhone 12 Pro<br>Carrier: AT&T<br>SIM Lock: Locked<br>Find My iPhone: ON<br>Serial: F2LX1";

async function rowsOf(f: EngineFixture, batchId: string): Promise<ResultsRow[]> {
  const rows: ResultsRow[] = [];
  for await (const row of readBatchResults(f.db, batchId, { timeZone: "UTC" })) rows.push(row);
  return rows;
}

describeEachDb("batch results", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  async function orderOf(batchId: string, imei: string) {
    return f.db.prisma.order.findFirstOrThrow({ where: { batchId, imei } });
  }
  async function drive(batchId: string, imei: string, target: DriveTo) {
    return driveOrder(f.db, { batchId, orderId: (await orderOf(batchId, imei)).id }, target);
  }

  it("gives one row per uploaded line in upload order, each with its order's answer", async () => {
    const [done, waiting, ...n] = makeImeis(12, 700);
    const earlier = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [done!, waiting!] });
    await confirmBatch(f.db, f.operator, earlier.id);
    const earlierUpstream = await drive(earlier.id, done!, { to: "completed", code: CODE });
    const earlierOrder = await orderOf(earlier.id, done!);

    // Line 1 is the header; extra columns around the IMEI; a blank line; a cell with spaces.
    const csv = [
      "Ref,IMEI,Colour",
      `A1,${n[0]},black`,
      "A2,12345,red",
      `A3,${done},white`,
      `A4,${n[0]},black`,
      `A5,${n[1]},blue`,
      `A6,${n[2]},blue`,
      `A7,${n[3]},blue`,
      `A8,${n[4]},blue`,
      "",
      `A9,${n[5]},blue`,
      `A10,${n[6]},blue`,
      `A11,${n[7]},blue`,
      `A12,${waiting},blue`,
      `A13,${n[8]!.slice(0, 3)} ${n[8]!.slice(3)},green`,
    ].join("\n");
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", csv, name: "sheet.csv" });

    // A draft's file already lists every line.
    const draftRows = await rowsOf(f, draft.id);
    expect(draftRows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15]);
    expect(draftRows.map((r) => r.state)).toEqual([
      "draft", "invalid", "draft", "draft", "draft", "draft", "draft", "draft", "draft", "draft", "draft", "draft", "draft",
    ]); // prettier-ignore

    await confirmBatch(f.db, f.operator, draft.id);
    const placed = await drive(draft.id, n[0]!, { to: "completed", code: CODE });
    await drive(draft.id, n[1]!, { to: "rejected", code: "Invalid IMEI" });
    await drive(draft.id, n[2]!, { to: "duplicate", message: "IMEI already exists!" });
    await drive(draft.id, n[3]!, { to: "failed", message: "Service disabled" });
    await drive(draft.id, n[4]!, {
      to: "uncertain",
      settleNote: "waits for the next placement, or a person",
    });
    await drive(draft.id, n[5]!, { to: "submitted", upstreamStatus: "In process" });
    await drive(draft.id, n[6]!, { to: "submitting" });
    // n[7] and n[8] stay queued: one is cancelled below, after the first read.

    const running = await rowsOf(f, draft.id);
    expect(running.find((r) => r.imei === n[7])!.state).toBe("queued");
    expect(running.find((r) => r.imei === n[7])!.price).toBe(80_000n);

    await cancelBatch(f.db, f.operator, draft.id);
    const rows = await rowsOf(f, draft.id);
    const day = formatDateTime(earlierOrder.placedAt!, "UTC").slice(0, 10);
    const view = rows.map((r) => [r.line, r.input, r.imei, r.state, r.price, r.upstreamOrderId, r.note]);
    expect(view).toEqual([
      [2, n[0], n[0], "completed", 80_000n, placed, ""],
      [3, "12345", "", "invalid", null, "", expect.stringMatching(/digits/)],
      [4, done, done, "skipped", 0n, earlierUpstream, `ordered before on ${day} — result reused`],
      [5, n[0], n[0], "completed", 0n, placed, "same as line 2"],
      [6, n[1], n[1], "rejected", 80_000n, expect.any(String), ""],
      [7, n[2], n[2], "duplicate", 0n, "", "IMEI already exists!"],
      [8, n[3], n[3], "failed", 0n, "", "Service disabled"],
      [9, n[4], n[4], "uncertain", 80_000n, "", "waits for the next placement, or a person"],
      [11, n[5], n[5], "submitted", 80_000n, expect.any(String), ""],
      [12, n[6], n[6], "submitting", 80_000n, "", ""],
      [13, n[7], n[7], "cancelled", 0n, "", ""],
      [
        14,
        waiting,
        waiting,
        "skipped",
        0n,
        "",
        expect.stringMatching(/^ordered before on .* — result reused$/),
      ],
      [15, `${n[8]!.slice(0, 3)} ${n[8]!.slice(3)}`, n[8], "cancelled", 0n, "", ""],
    ]);

    // A skipped line carries the earlier order's answer; a repeat within the file the first line's.
    for (const line of [2, 4, 5]) {
      const row = rows.find((r) => r.line === line)!;
      expect(row.status).toBe("completed");
      expect(row.result).toBe(
        "Model: iPhone 12 Pro\nCarrier: AT&T\nSIM Lock: Locked\nFind My iPhone: ON\nSerial: F2LX1",
      );
      expect(row.fields).toMatchObject({
        model: "iPhone 12 Pro",
        carrier: "AT&T",
        simLock: "Locked",
        fmi: "ON",
        serial: "F2LX1",
      });
    }
    expect(rows.find((r) => r.line === 14)!.status).toBe("queued"); // the earlier order is still queued
    expect(rows.find((r) => r.line === 11)!.status).toBe("In process");
  });

  it("counts that add up: orders by state, reused results, repeats and invalid lines make the batch's lines", async () => {
    const [a, b, c] = makeImeis(3, 760);
    const earlier = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [a!] });
    await confirmBatch(f.db, f.operator, earlier.id);
    const draft = await createDraft(f.db, f.operator, {
      serviceId: "1739",
      imeis: [a!, b!, "nope", b!, c!, "", "1234"],
    });
    await confirmBatch(f.db, f.operator, draft.id);
    const scope = await ownerScopeFor(f.db, f.operator, "see");
    const progress = await getBatchProgress(f.db, draft.id, scope);
    const byState = BATCH_COUNT_KEYS.reduce((sum, key) => sum + progress.counts[key], 0);
    expect(progress.counts.skipped).toBe(1);
    expect(progress.counts.cancelled).toBe(0);
    expect(progress.toSubmit).toBe(2);
    expect({ invalid: progress.invalid, repeats: progress.duplicatesInBatch }).toEqual({
      invalid: 3,
      repeats: 1,
    });
    expect(progress.invalid + progress.duplicatesInBatch + byState).toBe(progress.total);
    expect((await rowsOf(f, draft.id)).length).toBe(progress.total);
    expect(progress.total).toBe(7);
  });

  it("lists the batch's orders in upload order, or by IMEI or state with upload order within", async () => {
    const imeis = makeImeis(4, 780);
    const [a, b, c, d] = [...imeis].sort().reverse(); // upload order opposite to IMEI order
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [a!, b!, c!, d!] });
    await confirmBatch(f.db, f.operator, draft.id);
    await drive(draft.id, b!, { to: "completed", code: CODE });
    await drive(draft.id, d!, { to: "completed", code: CODE });
    const list = (query: object) =>
      listBatchOrders(f.db, f.operator, draft.id, {
        sort: "line",
        dir: "asc",
        page: 1,
        limit: 100,
        ...query,
      });
    const imeisOf = async (query: object) => (await list(query)).orders.map((o) => o.imei);
    expect(await imeisOf({})).toEqual([a, b, c, d]);
    expect(await imeisOf({ dir: "desc" })).toEqual([d, c, b, a]);
    expect(await imeisOf({ sort: "imei" })).toEqual([d, c, b, a]);
    expect(await imeisOf({ sort: "state" })).toEqual([b, d, a, c]); // completed, then queued
    expect(await imeisOf({ state: "queued" })).toEqual([a, c]);
    const paged = await list({ limit: 3, page: 2 });
    expect([paged.orders.map((o) => o.imei), paged.total, paged.pageCount]).toEqual([[d], 4, 2]);
    const stranger = await insertUser(f.db, "stranger@test.local", "operator");
    await expect(
      listBatchOrders(f.db, stranger, draft.id, { sort: "line", dir: "asc", page: 1, limit: 10 }),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
