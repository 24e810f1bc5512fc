/**
 * Confirming: each order is queued once (also under two confirms at once), repeats are skipped unless
 * asked for, and the operator's and the shop's daily limits hold, leaving a refused batch a draft.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { driveOrder } from "@/lib/test/drive-order";
import type { AppUser } from "@/lib/auth/users";
import type { AppError } from "@/lib/errors";
import { appError, countOrderStates } from "@/lib/test/batch-helpers";
import { describeEachDb } from "@/lib/test/db";
import { makeImeis, type EngineFixture, createEngineFixture, insertUser } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import { ownerScopeFor } from "@/lib/auth/permissions";
import { getOrder } from "@/lib/orders/queries";
import { confirmBatch } from "./confirm";
import { listBatchOrders } from "./orders";
import { batchOrdersQuerySchema } from "./schemas";
import { createDraft } from "./create-draft";

describeEachDb("confirmation", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let other: AppUser;
  let seed = 300;
  const fresh = (n: number) => makeImeis(n, seed++);
  const stateCounts = (batchId: string) => countOrderStates(f.db, batchId);
  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
    other = await insertUser(f.db, "other-op@test.local", "operator");
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
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
    expect(sharedOrders.map((o) => o.state).sort()).toEqual(["queued", "skipped"]);
  });

  it("a skipped repeat of another operator's order shows that order's answer, not a link the viewer cannot open", async () => {
    const [imei] = fresh(1);
    const earlier = await createDraft(f.db, other, { serviceId: "1739", imeis: [imei!] });
    await confirmBatch(f.db, other, earlier.id);
    const earlierOrder = await f.db.prisma.order.findFirstOrThrow({ where: { batchId: earlier.id } });
    await driveOrder(
      f.db,
      { batchId: earlier.id, orderId: earlierOrder.id },
      { to: "completed", code: "Model: iPhone 13<br>Carrier: AT&T USA" },
    );
    const repeat = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [imei!] });
    await confirmBatch(f.db, f.operator, repeat.id);
    const skipped = await f.db.prisma.order.findFirstOrThrow({ where: { batchId: repeat.id } });
    expect(skipped.state).toBe("skipped");

    const seenByOwner = await getOrder(f.db, skipped.id, await ownerScopeFor(f.db, f.operator, "see"));
    expect(seenByOwner.reusedFrom).toMatchObject({
      id: null,
      state: "completed",
      result: { carrier: "AT&T USA", model: "iPhone 13" },
    });
    expect(seenByOwner.reusedFrom?.upstreamOrderId).toBe(
      (await f.db.prisma.order.findUniqueOrThrow({ where: { id: earlierOrder.id } })).upstreamOrderId,
    );
    const admin = await insertUser(f.db, `admin-${seed}@test.local`, "admin");
    const seenByAdmin = await getOrder(f.db, skipped.id, await ownerScopeFor(f.db, admin, "see"));
    expect(seenByAdmin.reusedFrom?.id).toBe(earlierOrder.id);
    const placed = await getOrder(f.db, earlierOrder.id, await ownerScopeFor(f.db, other, "see"));
    expect(placed.reusedFrom).toBeNull();
    // The batch page's table likewise: the answer, and a link only for whoever may open the earlier order.
    const query = batchOrdersQuerySchema.parse({});
    const [row] = (await listBatchOrders(f.db, f.operator, repeat.id, query)).orders;
    expect(row?.reusedFrom).toMatchObject({ id: null, batchId: null, result: { carrier: "AT&T USA" } });
    const [adminRow] = (await listBatchOrders(f.db, admin, repeat.id, query)).orders;
    expect(adminRow?.reusedFrom).toMatchObject({ id: earlierOrder.id, batchId: earlier.id });
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

  it("skips repeats at confirm (also ones ordered after the draft was made), unless reorderRepeats", async () => {
    const [r1, r2, r3, r4, r5] = fresh(5);
    const first = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r1!, r2!] });
    await confirmBatch(f.db, f.operator, first.id);

    const second = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r1!, r3!] });
    await confirmBatch(f.db, f.operator, second.id);
    const secondOrders = await f.db.prisma.order.findMany({ where: { batchId: second.id } });
    expect(Object.fromEntries(secondOrders.map((o) => [o.imei, o.state]))).toEqual({
      [r1!]: "skipped",
      [r3!]: "queued",
    });
    const skipped = secondOrders.find((o) => o.imei === r1)!;
    expect(skipped.stateReason).toMatch(/already ordered/);
    expect(skipped.priceMicros).toBe(0n);
    const firstR1 = await f.db.prisma.order.findFirstOrThrow({ where: { batchId: first.id, imei: r1! } });
    expect(skipped.reusedFromId).toBe(firstR1.id);
    expect(
      (await f.db.prisma.batch.findUniqueOrThrow({ where: { id: second.id } })).estimatedCostMicros,
    ).toBe(80_000n);

    const third = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r2!, r4!] });
    await confirmBatch(f.db, f.operator, third.id, { reorderRepeats: true });
    expect(await stateCounts(third.id)).toEqual({ queued: 2 });

    // The earlier result reused is the newest completed order of the IMEI, else the newest one.
    const firstR2 = await f.db.prisma.order.findFirstOrThrow({ where: { batchId: first.id, imei: r2! } });
    const thirdR2 = await f.db.prisma.order.findFirstOrThrow({ where: { batchId: third.id, imei: r2! } });
    const fourth = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r2!] });
    const fifth = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r2!] });
    await confirmBatch(f.db, f.operator, fourth.id);
    const reusedBy = async (batchId: string) =>
      (await f.db.prisma.order.findFirstOrThrow({ where: { batchId } })).reusedFromId;
    expect(await reusedBy(fourth.id)).toBe(thirdR2.id);
    await driveOrder(f.db, { batchId: first.id, orderId: firstR2.id }, { to: "completed", code: "Model: X" });
    await confirmBatch(f.db, f.operator, fifth.id);
    expect(await reusedBy(fifth.id)).toBe(firstR2.id);

    // Both drafts were made before either was confirmed: the second confirm still catches the repeat.
    const early = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [r5!] });
    const late = await createDraft(f.db, other, { serviceId: "1739", imeis: [r5!] });
    expect(early.alreadyOrdered).toEqual([]);
    await confirmBatch(f.db, other, late.id);
    await confirmBatch(f.db, f.operator, early.id);
    expect(await stateCounts(early.id)).toEqual({ skipped: 1 });
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
});
