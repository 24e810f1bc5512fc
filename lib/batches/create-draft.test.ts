/**
 * Drafts: every bad line is reported with its line number, the price is exact, IMEIs already ordered for
 * the service are listed, and a refused draft writes nothing. A draft places nothing.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ZodError } from "zod";
import type { AppUser } from "@/lib/auth/users";
import { SubmissionWorker } from "@/lib/orders/worker";
import { appError, countOrderStates, rejection } from "@/lib/test/batch-helpers";
import { describeEachDb } from "@/lib/test/db";
import {
  makeImeis,
  waitFor,
  type EngineFixture,
  createEngineFixture,
  insertUser,
} from "@/lib/test/engine-fixtures";
import { captureLogs, countInFlight } from "@/lib/test/order-invariants";
import { confirmBatch } from "./confirm";
import { createDraft } from "./create-draft";

/** The same IMEI with its check digit off by one. */
const breakLuhn = (imei: string) => imei.slice(0, 14) + String((Number(imei[14]) + 1) % 10);

describeEachDb("drafts", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let other: AppUser;
  let seed = 300;
  const fresh = (n: number) => makeImeis(n, seed++);
  const stateCounts = (batchId: string) => countOrderStates(f.db, batchId);
  const rowCounts = async () => ({
    batches: await f.db.prisma.batch.count(),
    orders: await f.db.prisma.order.count(),
    audit: await f.db.prisma.auditEvent.count(),
  });
  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
    other = await insertUser(f.db, "other-op@test.local", "operator");
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("reports every kind of bad pasted line with its line number", async () => {
    const [a, b, c] = fresh(3);
    const draft = await createDraft(f.db, f.operator, {
      serviceId: "1739",
      imeis: [
        a!,
        "35397910667356A",
        "12345",
        "3539791066735671",
        "3.53979E+14",
        breakLuhn(b!),
        "",
        b!,
        a!,
        c!,
      ],
    });
    expect(draft.invalid).toEqual([
      { line: 2, value: "35397910667356A", reason: expect.stringMatching(/letters/) },
      { line: 3, value: "12345", reason: expect.stringMatching(/has 5 digits/) },
      { line: 4, value: "3539791066735671", reason: expect.stringMatching(/IMEISV/) },
      {
        line: 5,
        value: "3.53979E+14",
        reason: expect.stringMatching(/spreadsheet turned this IMEI into a number/),
      },
      { line: 6, value: breakLuhn(b!), reason: expect.stringMatching(/Luhn/) },
      { line: 7, value: "", reason: expect.stringMatching(/empty/) },
    ]);
    expect(draft).toMatchObject({
      status: "draft",
      total: 10,
      toSubmit: 3,
      duplicatesInBatch: 1,
      alreadyOrdered: [],
      sourceName: "pasted",
    });
    expect(await stateCounts(draft.id)).toEqual({ draft: 3 });
  });

  it("reports every kind of bad CSV line with its line number (BOM, `IMEI;Note` header, empty field)", async () => {
    const [a, b] = fresh(2);
    const csv = [
      "\uFEFFIMEI;Note",
      `${a};first`,
      "35397910667356A;letters",
      "12345;too short",
      "3539791066735671;an IMEISV",
      "3,53979E+14;spreadsheet",
      `${breakLuhn(b!)};typo`,
      ";no IMEI here",
      `${b};fine`,
      `${a};again`,
    ].join("\r\n");
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", csv, name: "monday.csv" });
    expect(draft.invalid.map((i) => [i.line, i.value])).toEqual([
      [3, "35397910667356A"],
      [4, "12345"],
      [5, "3539791066735671"],
      [6, "3,53979E+14"],
      [7, breakLuhn(b!)],
      [8, ""],
    ]);
    expect(draft.invalid.map((i) => i.reason)).toEqual([
      expect.stringMatching(/letters/),
      expect.stringMatching(/has 5 digits/),
      expect.stringMatching(/IMEISV/),
      expect.stringMatching(/spreadsheet/),
      expect.stringMatching(/Luhn/),
      expect.stringMatching(/empty/),
    ]);
    expect(draft).toMatchObject({ total: 9, toSubmit: 2, duplicatesInBatch: 1, sourceName: "monday.csv" });
    // A quote never closed is reported where it starts.
    const broken = await createDraft(f.db, f.operator, {
      serviceId: "1739",
      csv: `imei,note\n${fresh(1)[0]},ok\n"${fresh(1)[0]},never closed\n`,
    });
    expect(broken.invalid[0]).toEqual(
      expect.objectContaining({ line: 3, reason: expect.stringMatching(/quoted value starts here/) }),
    );
  });

  it("prices exactly, in decimal, and lists IMEIs already ordered for the service with their state", async () => {
    const seven = fresh(7);
    const gsx = await createDraft(f.db, f.operator, { serviceId: "1743", imeis: seven });
    expect(gsx).toMatchObject({
      unitPrice: "1.50",
      estimatedCost: "10.50",
      estimatedCostWithRepeats: "10.50",
    });
    const three = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(3) });
    expect(three.estimatedCost).toBe("0.24"); // 3 × 0.08, not 0.24000000000000002
    expect((await f.db.prisma.batch.findUniqueOrThrow({ where: { id: three.id } })).estimatedCostMicros).toBe(
      240_000n,
    );

    // Place two of the seven, leave one queued: a new draft lists both with their states.
    const [p1, p2, q1] = fresh(3);
    const placed = await createDraft(f.db, other, { serviceId: "1743", imeis: [p1!, p2!] });
    await confirmBatch(f.db, other, placed.id);
    const worker = new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: 2,
      idlePollMs: 10,
      firstCheckMs: () => 60_000,
    });
    worker.start();
    await waitFor(async () => (await countInFlight(f.db, [placed.id])) === 0, 20_000, "two orders placed");
    await worker.stop();
    const queued = await createDraft(f.db, other, { serviceId: "1743", imeis: [q1!] });
    await confirmBatch(f.db, other, queued.id);

    const repeat = await createDraft(f.db, f.operator, {
      serviceId: "1743",
      imeis: [fresh(1)[0]!, q1!, p2!, p1!],
    });
    const orderOf = async (imei: string) =>
      (
        await f.db.prisma.order.findFirstOrThrow({
          where: { imei, serviceId: "1743", state: { not: "draft" } },
        })
      ).id;
    expect(repeat.alreadyOrdered).toEqual([
      { imei: q1, orderId: await orderOf(q1!), state: "queued", line: 2 },
      { imei: p2, orderId: await orderOf(p2!), state: "submitted", line: 3 },
      { imei: p1, orderId: await orderOf(p1!), state: "submitted", line: 4 },
    ]);
    expect(repeat).toMatchObject({
      toSubmit: 1,
      toSubmitWithRepeats: 4,
      estimatedCost: "1.50",
      estimatedCostWithRepeats: "6.00",
    });
    // Another service's orders are not repeats.
    const otherService = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [p1!, q1!] });
    expect(otherService.alreadyOrdered).toEqual([]);
  });

  it("writes nothing for a rejected draft: unknown service, no valid IMEI, more than 20,000 lines", async () => {
    const before = await rowCounts();
    const unknown = await appError(createDraft(f.db, f.operator, { serviceId: "999999", imeis: fresh(2) }));
    expect(unknown.code).toBe("validation_failed");
    expect(unknown.message).toMatch(/serviceId/);

    const noneValid = await appError(
      createDraft(f.db, f.operator, { serviceId: "1739", imeis: ["12345", "abc"] }),
    );
    expect(noneValid.code).toBe("validation_failed");
    expect(noneValid.details).toEqual({
      issues: [
        expect.objectContaining({ field: "imeis", line: 1 }),
        expect.objectContaining({ field: "imeis", line: 2 }),
      ],
    });
    const noneValidCsv = await appError(
      createDraft(f.db, f.operator, { serviceId: "1739", csv: "imei;note\n12345;x\n" }),
    );
    expect(noneValidCsv.message).toMatch(/Line 2/);
    const empty = await appError(createDraft(f.db, f.operator, { serviceId: "1739", csv: "\n\n" }));
    expect(empty.code).toBe("validation_failed");

    const many = makeImeis(20_001, 999);
    expect(await rejection(createDraft(f.db, f.operator, { serviceId: "1739", imeis: many }))).toBeInstanceOf(
      ZodError,
    );
    const tooLong = await appError(
      createDraft(f.db, f.operator, { serviceId: "1739", csv: many.join("\n") }),
    );
    expect(tooLong.message).toMatch(/more than 20,000/);
    expect(tooLong.details).toEqual({ issues: [expect.objectContaining({ field: "csv", line: 20_001 })] });

    expect(await rowCounts()).toEqual(before);
    expect(f.sandbox.state.stats.calls.placeorder ?? 0).toBe(f.sandbox.state.charges.length);
  });
});
