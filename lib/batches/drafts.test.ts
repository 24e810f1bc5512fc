/**
 * The consent step (DESIGN.md promises 1 and 4): a draft reports every bad line with its line number,
 * prices exactly, and writes nothing when refused; confirming queues each order once, within the
 * operator's and the shop's daily limits; cancelling stops what was not sent yet.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ZodError } from "zod";
import type { AppUser } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { SubmissionWorker } from "@/lib/orders/worker";
import { claimQueuedOrders, markSubmitting } from "@/lib/orders/transitions";
import { describeEachDb } from "@/lib/test/db";
import {
  makeImeis,
  waitFor,
  type EngineFixture,
  createEngineFixture,
  insertUser,
} from "@/lib/test/engine-fixtures";
import { captureLogs, countInFlight } from "@/lib/test/order-invariants";
import { cancelBatch, confirmBatch, createDraft } from "./drafts";

/** The same IMEI with its check digit off by one. */
const breakLuhn = (imei: string) => imei.slice(0, 14) + String((Number(imei[14]) + 1) % 10);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describeEachDb("drafts, confirmation and cancellation", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let other: AppUser;
  let seed = 300;
  const fresh = (n: number) => makeImeis(n, seed++);

  const stateCounts = async (batchId: string) => {
    const groups = await f.db.prisma.order.groupBy({
      by: ["state"],
      where: { batchId },
      _count: { _all: true },
    });
    return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
  };
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

  it("confirming twice does not queue twice", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(5) });
    expect(await confirmBatch(f.db, f.operator, draft.id)).toEqual({ alreadyConfirmed: false });
    expect(await stateCounts(draft.id)).toEqual({ queued: 5 });
    expect(await confirmBatch(f.db, f.operator, draft.id)).toEqual({ alreadyConfirmed: true });
    expect(await stateCounts(draft.id)).toEqual({ queued: 5 });
    expect(
      await f.db.prisma.auditEvent.count({ where: { action: "batch.confirm", targetId: draft.id } }),
    ).toBe(1);
    expect(
      await f.db.prisma.orderEvent.count({ where: { order: { batchId: draft.id }, toState: "queued" } }),
    ).toBe(5);
  });

  it("two confirms at once queue the batch once", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(6) });
    const results = await Promise.all([
      confirmBatch(f.db, f.operator, draft.id),
      confirmBatch(f.db, f.operator, draft.id),
    ]);
    expect(results.map((r) => r.alreadyConfirmed).sort()).toEqual([false, true]);
    expect(await stateCounts(draft.id)).toEqual({ queued: 6 });
    const batch = await f.db.prisma.batch.findUniqueOrThrow({ where: { id: draft.id } });
    expect(batch.state).toBe("queued");
    expect(batch.estimatedCostMicros).toBe(480_000n);
    expect(
      await f.db.prisma.auditEvent.count({ where: { action: "batch.confirm", targetId: draft.id } }),
    ).toBe(1);
    expect(
      await f.db.prisma.orderEvent.count({ where: { order: { batchId: draft.id }, toState: "queued" } }),
    ).toBe(6);
  });

  it("two batches with the same IMEI confirmed at once queue it once", async () => {
    const [shared, own1, own2] = fresh(3);
    const a = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [shared!, own1!] });
    const b = await createDraft(f.db, other, { serviceId: "1739", imeis: [shared!, own2!] });
    await Promise.all([confirmBatch(f.db, f.operator, a.id), confirmBatch(f.db, other, b.id)]);
    const sharedOrders = await f.db.prisma.order.findMany({ where: { imei: shared!, serviceId: "1739" } });
    expect(sharedOrders.map((o) => o.state).sort()).toEqual(["cancelled", "queued"]);
  });

  it("two confirms at once cannot pass the operator's daily limit together", async () => {
    const limited = await insertUser(f.db, "racer@test.local", "operator");
    await f.db.write((p) =>
      p.user.update({ where: { id: limited.id }, data: { dailySpendLimitMicros: 200_000n } }),
    );
    const a = await createDraft(f.db, limited, { serviceId: "1739", imeis: fresh(2) }); // $0.16
    const b = await createDraft(f.db, limited, { serviceId: "1739", imeis: fresh(2) }); // $0.16
    const outcomes = await Promise.allSettled([
      confirmBatch(f.db, limited, a.id),
      confirmBatch(f.db, limited, b.id),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const refused = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe("spend_limit");
    const queued = await f.db.prisma.order.aggregate({
      where: { ownerId: limited.id, state: "queued" },
      _sum: { priceMicros: true },
    });
    expect(queued._sum.priceMicros).toBe(160_000n);
  });

  it("cancels repeats at confirm (also ones ordered after the draft was made), unless reorderRepeats", async () => {
    const [r1, r2, r3, r4, r5] = fresh(5);
    const first = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r1!, r2!] });
    await confirmBatch(f.db, f.operator, first.id);

    const second = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r1!, r3!] });
    await confirmBatch(f.db, f.operator, second.id);
    const secondOrders = await f.db.prisma.order.findMany({ where: { batchId: second.id } });
    expect(Object.fromEntries(secondOrders.map((o) => [o.imei, o.state]))).toEqual({
      [r1!]: "cancelled",
      [r3!]: "queued",
    });
    expect(secondOrders.find((o) => o.imei === r1)!.stateReason).toMatch(/already ordered/);
    expect(
      (await f.db.prisma.batch.findUniqueOrThrow({ where: { id: second.id } })).estimatedCostMicros,
    ).toBe(80_000n);

    const third = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r2!, r4!] });
    await confirmBatch(f.db, f.operator, third.id, { reorderRepeats: true });
    expect(await stateCounts(third.id)).toEqual({ queued: 2 });

    // Both drafts were made before either was confirmed: the second confirm still catches the repeat.
    const early = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r5!] });
    const late = await createDraft(f.db, other, { serviceId: "1739", imeis: [r5!] });
    expect(early.alreadyOrdered).toEqual([]);
    await confirmBatch(f.db, other, late.id);
    await confirmBatch(f.db, f.operator, early.id);
    expect(await stateCounts(early.id)).toEqual({ cancelled: 1 });
    expect((await f.db.prisma.batch.findUniqueOrThrow({ where: { id: early.id } })).state).toBe("done");
  });

  it("refuses a confirm past the operator's daily limit or the shop's, leaving the batch a draft", async () => {
    const limited = await insertUser(f.db, "limited@test.local", "operator");
    await f.db.write((p) =>
      p.user.update({ where: { id: limited.id }, data: { dailySpendLimitMicros: 200_000n } }),
    ); // $0.20 a day

    const tooBig = await createDraft(f.db, limited, { serviceId: "1739", imeis: fresh(3) }); // $0.24
    const error = await appError(confirmBatch(f.db, limited, tooBig.id));
    expect(error.code).toBe("spend_limit");
    expect(error.status).toBe(402);
    expect(error.message).toMatch(/\$0\.24.*\$0\.20/);
    expect((await f.db.prisma.batch.findUniqueOrThrow({ where: { id: tooBig.id } })).state).toBe("draft");
    expect(await stateCounts(tooBig.id)).toEqual({ draft: 3 });

    const fits = await createDraft(f.db, limited, { serviceId: "1739", imeis: fresh(2) }); // $0.16
    await confirmBatch(f.db, limited, fits.id);
    const overByOne = await createDraft(f.db, limited, { serviceId: "1739", imeis: fresh(1) }); // 0.16 + 0.08 > 0.20
    expect((await appError(confirmBatch(f.db, limited, overByOne.id))).code).toBe("spend_limit");
    expect(await stateCounts(overByOne.id)).toEqual({ draft: 1 });

    // The shop's limit counts everyone's orders confirmed today that are (or may be) paid.
    const committed = await f.db.prisma.order.aggregate({
      where: {
        state: { in: ["queued", "submitting", "submitted", "completed", "rejected", "uncertain"] },
        batch: { confirmedAt: { gte: new Date(new Date().toISOString().slice(0, 10)) } },
      },
      _sum: { priceMicros: true },
    });
    const spent = committed._sum.priceMicros ?? 0n;
    const shopBatch = await createDraft(f.db, other, { serviceId: "1739", imeis: fresh(2) }); // $0.16
    const shopError = await appError(
      confirmBatch(f.db, other, shopBatch.id, { shopDailyLimitMicros: spent + 160_000n - 1n }),
    );
    expect(shopError.code).toBe("spend_limit");
    expect(shopError.message).toMatch(/shop/);
    expect((await f.db.prisma.batch.findUniqueOrThrow({ where: { id: shopBatch.id } })).state).toBe("draft");
    expect(await confirmBatch(f.db, other, shopBatch.id, { shopDailyLimitMicros: spent + 160_000n })).toEqual(
      { alreadyConfirmed: false },
    );
    expect(await stateCounts(shopBatch.id)).toEqual({ queued: 2 });
  });

  it("cancelling cancels queued orders, and an order a worker had already leased is not placed", async () => {
    const imeis = fresh(4);
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis });
    await confirmBatch(f.db, f.operator, draft.id);
    const claimed = await claimQueuedOrders(f.db, {
      workerId: "slow-worker",
      batchId: draft.id,
      limit: 2,
      leaseMs: 30_000,
    });
    expect(claimed).toHaveLength(2);

    expect(await cancelBatch(f.db, f.operator, draft.id)).toEqual({ cancelledOrders: 4 });
    expect(await stateCounts(draft.id)).toEqual({ cancelled: 4 });
    // The worker that leased them gets to its next step: the move to `submitting` fails, nothing is sent.
    for (const order of claimed)
      expect(
        await markSubmitting(f.db, { orderId: order.id, workerId: "slow-worker", leaseMs: 60_000 }),
      ).toBe(false);
    const worker = new SubmissionWorker({ db: f.db, upstream: f.client, concurrency: 4, idlePollMs: 10 });
    worker.start();
    await new Promise((r) => setTimeout(r, 300));
    await worker.stop();
    expect(f.sandbox.state.charges.filter((c) => imeis.includes(c.imei))).toEqual([]);
    expect(await stateCounts(draft.id)).toEqual({ cancelled: 4 });

    expect(await cancelBatch(f.db, f.operator, draft.id)).toEqual({ cancelledOrders: 0 });
    expect((await appError(confirmBatch(f.db, f.operator, draft.id))).code).toBe("conflict");
  });

  it("an operator cannot confirm or cancel another operator's batch (404); an admin can", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(2) });
    for (const attempt of [
      () => confirmBatch(f.db, other, draft.id),
      () => cancelBatch(f.db, other, draft.id),
    ]) {
      const error = await appError(attempt());
      expect(error.code).toBe("not_found");
      expect(error.status).toBe(404);
    }
    expect(await stateCounts(draft.id)).toEqual({ draft: 2 });
    expect(await confirmBatch(f.db, f.admin, draft.id)).toEqual({ alreadyConfirmed: false });
    expect(await stateCounts(draft.id)).toEqual({ queued: 2 });
    const audit = await f.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "batch.confirm", targetId: draft.id },
    });
    expect(audit.actorId).toBe(f.admin.id);
    expect(await cancelBatch(f.db, f.admin, draft.id)).toEqual({ cancelledOrders: 2 });
    expect(logs.errors()).toEqual([]);
  });
});
