/**
 * A person resolves `uncertain` orders (the state machine's "uncertain ──person decides──▶ …"): "placed" is
 * verified with the upstream before it is believed, "not placed" queues it again behind the upstream's
 * duplicate guard, "write off" closes it. Every decision is audited; only uncertain orders can be resolved.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { actingScopeOf } from "@/lib/auth/permissions";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { AppError } from "@/lib/errors";
import { describeEachDb } from "@/lib/test/db";
import {
  createEngineFixture,
  insertUser,
  makeImeis,
  waitFor,
  type EngineFixture,
} from "@/lib/test/engine-fixtures";
import { captureLogs, checkEventHistory, countInFlight } from "@/lib/test/order-invariants";
import { resolveUncertain, type ResolveAction } from "./resolve";
import { syncNow } from "./sync";
import { SubmissionWorker } from "./worker";

async function appError(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error("expected an AppError");
}

describeEachDb("resolving uncertain orders", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let batchId: string;
  let otherBatchId: string;
  const [u1, u2, u3, u4, placedImei] = makeImeis(5, 611);
  const orderOf = async (imei: string) => f.db.prisma.order.findFirstOrThrow({ where: { imei, batchId } });
  const chargeOf = (imei: string) => {
    const charges = f.sandbox.state.charges.filter((c) => c.imei === imei);
    expect(charges).toHaveLength(1);
    return charges[0]!;
  };

  async function runWorkerUntilIdle(ids: string[]) {
    const worker = new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: 4,
      idlePollMs: 10,
      firstCheckMs: () => 0,
    });
    worker.start();
    try {
      await waitFor(async () => (await countInFlight(f.db, ids)) === 0, 20_000, "the worker to finish");
    } finally {
      await worker.stop();
    }
  }

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
    // One normally placed order, for "an id of another IMEI".
    const other = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [placedImei!] });
    otherBatchId = other.id;
    await confirmBatch(f.db, f.operator, otherBatchId);
    await runWorkerUntilIdle([otherBatchId]);

    // The upstream charges, then drops the connection: four uncertain, paid orders.
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [u1!, u2!, u3!, u4!] });
    batchId = draft.id;
    await confirmBatch(f.db, f.operator, batchId);
    f.sandbox.state.setFaults({ seed: 1, dropAfterCharge: 1 });
    await runWorkerUntilIdle([batchId]);
    f.sandbox.state.setFaults({});
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("a lost answer after the charge leaves the order uncertain, with no upstream id", async () => {
    for (const imei of [u1!, u2!, u3!, u4!]) {
      const order = await orderOf(imei);
      expect(order).toMatchObject({
        state: "uncertain",
        errorKind: "reset",
        upstreamOrderId: null,
        attempts: 1,
      });
      chargeOf(imei);
    }
  });

  it('"placed" is verified with the upstream: an unknown id or another IMEI\'s id is a 422, the right id places it', async () => {
    const order = await orderOf(u1!);
    const unknown = await appError(
      resolveUncertain(f.db, f.client, f.admin, order.id, { action: "placed", upstreamOrderId: "99999999" }),
    );
    expect(unknown.code).toBe("validation_failed");
    expect(unknown.status).toBe(422);
    expect(unknown.message).toMatch(/upstreamOrderId/);

    const otherId = chargeOf(placedImei!).orderId;
    const wrongImei = await appError(
      resolveUncertain(f.db, f.client, f.admin, order.id, { action: "placed", upstreamOrderId: otherId }),
    );
    expect(wrongImei.status).toBe(422);
    expect(wrongImei.message).toContain(placedImei!);
    expect((await orderOf(u1!)).state).toBe("uncertain");
    expect(await f.db.prisma.auditEvent.count({ where: { targetId: order.id } })).toBe(0);

    const rightId = chargeOf(u1!).orderId;
    await resolveUncertain(f.db, f.client, f.operator, order.id, {
      action: "placed",
      upstreamOrderId: rightId,
    });
    expect(await orderOf(u1!)).toMatchObject({
      state: "submitted",
      upstreamOrderId: rightId,
      errorKind: null,
    });
    const audit = await f.db.prisma.auditEvent.findMany({ where: { targetId: order.id } });
    expect(audit).toEqual([
      expect.objectContaining({
        action: "order.resolve.placed",
        actorId: f.operator.id,
        targetType: "order",
      }),
    ]);
    expect(JSON.parse(audit[0]!.details!)).toEqual({ action: "placed", upstreamOrderId: rightId });

    // The sync then brings its result back.
    const synced = await syncNow(f.db, f.client, { orderIds: [order.id] }, actingScopeOf(f.admin));
    expect(synced.checked).toBe(1);
    const done = await orderOf(u1!);
    expect(["completed", "rejected"]).toContain(done.state);
    expect(done.code).toEqual(expect.any(String));
  });

  it('"not placed — queue again" when it was placed: the duplicate refusal sends it back to a person, not paid twice', async () => {
    const order = await orderOf(u2!);
    await resolveUncertain(f.db, f.client, f.admin, order.id, { action: "not_placed" });
    expect((await orderOf(u2!)).state).toBe("queued");
    expect((await f.db.prisma.batch.findUniqueOrThrow({ where: { id: batchId } })).state).not.toBe("done");

    await runWorkerUntilIdle([batchId]);
    const after = await orderOf(u2!);
    // The refusal proves the first call was placed: the order is uncertain again (not `duplicate`, which
    // would leave the one charge linked to no order), and resolving it as placed links the charge.
    expect(after).toMatchObject({ state: "uncertain", errorKind: "placed_earlier", attempts: 2 });
    const charges = f.sandbox.state.charges.filter((c) => c.imei === u2);
    expect(charges).toHaveLength(1); // charged once, not twice
    await resolveUncertain(f.db, f.client, f.admin, order.id, {
      action: "placed",
      upstreamOrderId: charges[0]!.orderId,
    });
    expect(await orderOf(u2!)).toMatchObject({ state: "submitted", upstreamOrderId: charges[0]!.orderId });
    expect(
      await f.db.prisma.auditEvent.count({
        where: { targetId: order.id, action: "order.resolve.not_placed", actorId: f.admin.id },
      }),
    ).toBe(1);
  });

  it('"write off" fails the order as written_off', async () => {
    const order = await orderOf(u3!);
    await resolveUncertain(f.db, f.client, f.admin, order.id, { action: "write_off", note: "refund asked" });
    expect(await orderOf(u3!)).toMatchObject({
      state: "failed",
      errorKind: "written_off",
      stateReason: "resolved: written off (refund asked)",
    });
    expect((await orderOf(u3!)).finishedAt).toBeInstanceOf(Date);
    const audit = await f.db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: order.id } });
    expect(audit).toMatchObject({ action: "order.resolve.write_off", actorId: f.admin.id });
  });

  it("another operator's uncertain order is a 404 for every decision, before the upstream is asked: nothing queued, paid or audited", async () => {
    const intruder = await insertUser(f.db, "intruder@test.local", "operator");
    const order = await orderOf(u4!);
    const calls = { ...f.sandbox.state.stats.calls };
    const charges = f.sandbox.state.charges.length;
    const decisions: ResolveAction[] = [
      { action: "not_placed" },
      { action: "placed", upstreamOrderId: chargeOf(u4!).orderId },
      { action: "write_off" },
    ];
    for (const action of decisions) {
      const error = await appError(resolveUncertain(f.db, f.client, intruder, order.id, action));
      expect(error).toMatchObject({ code: "not_found", message: "Order not found" });
    }
    // "Not placed" once queued the order again, and the worker paid for a new placeorder.
    await runWorkerUntilIdle([batchId]);
    expect(await orderOf(u4!)).toMatchObject({ state: "uncertain", attempts: 1, upstreamOrderId: null });
    expect(f.sandbox.state.stats.calls).toEqual(calls);
    expect(f.sandbox.state.charges).toHaveLength(charges);
    expect(await f.db.prisma.auditEvent.count({ where: { targetId: order.id } })).toBe(0);
  });

  it("resolving an order that is not uncertain is a conflict, and changes nothing", async () => {
    for (const imei of [u1!, u2!, u3!]) {
      const before = await orderOf(imei);
      for (const action of [{ action: "not_placed" as const }, { action: "write_off" as const }]) {
        const error = await appError(resolveUncertain(f.db, f.client, f.admin, before.id, action));
        expect(error.code).toBe("conflict");
        expect(error.status).toBe(409);
      }
      expect((await orderOf(imei)).state).toBe(before.state);
    }
    // An upstream id that already belongs to another order is refused too (u4 stays uncertain).
    const u4Order = await orderOf(u4!);
    expect(
      (
        await appError(
          resolveUncertain(f.db, f.client, f.admin, u4Order.id, {
            action: "placed",
            upstreamOrderId: chargeOf(u1!).orderId,
          }),
        )
      ).status,
    ).toBe(422);
    expect((await orderOf(u4!)).state).toBe("uncertain");
    // u1 placed; u2 not placed, then placed once the upstream proved it; u3 written off.
    expect(await f.db.prisma.auditEvent.count({ where: { action: { startsWith: "order.resolve" } } })).toBe(
      4,
    );
  });

  it("every resolution is in the OrderEvent history, by the person who made it", async () => {
    const { violations } = await checkEventHistory(f.db, [batchId, otherBatchId]);
    expect(violations).toEqual([]);
    const events = await f.db.prisma.orderEvent.findMany({
      where: { order: { batchId }, fromState: "uncertain" },
    });
    expect(events.map((e) => e.toState).sort()).toEqual(["failed", "queued", "submitted", "submitted"]);
    expect(events.every((e) => e.actor?.startsWith("user:"))).toBe(true);
    expect(logs.errors()).toEqual([]);
  });
});
