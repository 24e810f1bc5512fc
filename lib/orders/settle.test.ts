/**
 * Settlement against the sandbox, whose other customers take ids between ours: every lost-answer fault
 * (dropped after the charge, truncated, 502 after the charge, an answer later than the timeout) and
 * getimeis answers that leave ids out. Every charged order must end linked to its upstream id, an order
 * whose call created nothing placed exactly once later, nothing charged twice, and what cannot be known
 * (no later placement to close the window) left uncertain with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingScopeOf } from "@/lib/auth/permissions";
import { isBatchSettled } from "@/lib/batches/events";
import { getBatchProgress } from "@/lib/batches/progress";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import type { SandboxFaults } from "@/lib/gsmfusion/sandbox/server";
import { describeEachDb } from "@/lib/test/db";
import { makeImeis, waitFor, type EngineFixture, createEngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs, checkEventHistory, checkLedger, countInFlight } from "@/lib/test/order-invariants";
import { settleUncertainOrders, Settlement } from "./settle";
import { syncNow } from "./sync";
import { claimQueuedOrders, markSubmitting } from "./transitions";
import { SubmissionWorker } from "./worker";

const ORDERS = 400;

const LOST_ANSWERS: SandboxFaults = {
  seed: 99,
  latencyMs: { placeorder: 2, read: 0 },
  jitterMs: 4,
  dropAfterCharge: 0.03,
  rateDelayAfterCharge: 0.03,
  delayAfterChargeMs: 600, // above the client's placeOrderTimeoutMs (300)
  truncateAfterCharge: 0.03,
  rate502AfterCharge: 0.03,
  partialGetimeis: 0.5,
};

const startWorker = (f: EngineFixture) => {
  const worker = new SubmissionWorker({
    db: f.db,
    upstream: f.client,
    concurrency: 8,
    idlePollMs: 10,
    retryBaseMs: 20,
    retryMaxMs: 400,
    firstCheckMs: () => 0,
    settleMarginMs: 50,
    placeOrderTimeoutMs: 300,
  });
  worker.start();
  return worker;
};

async function placeBatch(f: EngineFixture, imeis: string[]): Promise<string> {
  const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis });
  await confirmBatch(f.db, f.operator, draft.id);
  return draft.id;
}

describeEachDb("settling lost answers by scanning the id window", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let batchId: string;
  let settlement: Settlement;
  let uncertainBefore = 0;

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider, {
      sandbox: { seed: 5 },
      client: { placeOrderTimeoutMs: 300, breaker: { consecutiveFailures: 50, halfOpenAfterMs: 50 } },
    });
    f.sandbox.state.setFaults(LOST_ANSWERS);
    batchId = await placeBatch(f, makeImeis(ORDERS, 71));
    const worker = startWorker(f);
    await waitFor(async () => (await countInFlight(f.db, [batchId])) === 0, 60_000, "the batch placed");
    uncertainBefore = await f.db.prisma.order.count({ where: { batchId, state: "uncertain" } });
    settlement = new Settlement(f.db, f.client, { intervalMs: 20, maxCalls: 50 });
    settlement.start();
    await waitFor(
      async () =>
        (await f.db.prisma.order.count({
          where: { batchId, state: { in: ["uncertain", "queued", "submitting"] } },
        })) === 0,
      60_000,
      "every uncertain order settled",
    ).catch(async (error: unknown) => {
      const left = await f.db.prisma.order.findMany({
        where: { batchId, state: { in: ["uncertain", "queued", "submitting"] } },
        select: {
          state: true,
          errorKind: true,
          scanFrom: true,
          settleAfter: true,
          settleNote: true,
          imei: true,
          checkCount: true,
          nextCheckAt: true,
        },
      });
      const charges = f.sandbox.state.charges.filter((c) => left.some((o) => o.imei === c.imei));
      // What was left says why, in the test's output.
      console.log(
        "left unsettled",
        JSON.stringify(
          { left, charges, totals: settlement.totals },
          (_k, v) => (typeof v === "bigint" ? String(v) : v),
          1,
        ),
      );
      throw error;
    });
    await settlement.stop();
    await worker.stop();
    f.sandbox.state.setFaults({});
    await syncNow(f.db, f.client, { batchId }, actingScopeOf(f.admin));
  }, 150_000);

  afterAll(async () => {
    await settlement?.stop();
    await f?.close();
    logs?.restore();
  });

  it("had lost answers of every kind, with other customers' orders between ours", async () => {
    expect(uncertainBefore).toBeGreaterThan(10);
    const kinds = new Set(
      (
        await f.db.prisma.orderEvent.findMany({
          where: { order: { batchId }, toState: "uncertain" },
          select: { reason: true },
        })
      ).map((e) => e.reason),
    );
    expect(kinds.size).toBeGreaterThanOrEqual(4);
    expect(f.sandbox.state.foreignCount).toBeGreaterThan(ORDERS / 2);
    expect(settlement.totals.calls).toBeGreaterThan(0);
  });

  it("every charged order is linked to its upstream id; nothing charged twice; nothing left uncertain", async () => {
    const report = await checkLedger(f.db, f.sandbox, { serviceId: "1739", batchIds: [batchId] });
    expect(report.violations).toEqual([]);
    expect(report.counts.uncertain ?? 0).toBe(0);
    expect(report.charges).toHaveLength(ORDERS);
    const linked = await f.db.prisma.orderEvent.findMany({
      where: { order: { batchId }, fromState: "uncertain", toState: "submitted", actor: "system" },
      select: { reason: true, order: { select: { upstreamOrderId: true } } },
    });
    expect(linked.length).toBe(uncertainBefore);
    for (const e of linked)
      expect(e.reason).toMatch(
        new RegExp(`^found as upstream order ${e.order.upstreamOrderId} by scanning ids \\d+`),
      );
    const batch = await f.db.prisma.batch.findUniqueOrThrow({ where: { id: batchId } });
    expect(batch.state).toBe("done");
  });

  it("the history has an event for every transition, and each link is audited as the system's", async () => {
    expect((await checkEventHistory(f.db, [batchId])).violations).toEqual([]);
    const audits = await f.db.prisma.auditEvent.count({
      where: { action: "order.settle.linked", actorId: null },
    });
    expect(audits).toBe(uncertainBefore);
    expect(logs.errors()).toEqual([]);
  });
});

describeEachDb("an order whose call created nothing", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider, { sandbox: { seed: 8 }, client: { placeOrderTimeoutMs: 300 } });
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  /** A worker that died after committing `submitting` and before sending: nothing reached the upstream. */
  async function loseBeforeSending(batchId: string): Promise<string> {
    const [claimed] = await claimQueuedOrders(f.db, { workerId: "dead", batchId, limit: 1, leaseMs: 1_000 });
    await markSubmitting(f.db, { orderId: claimed!.id, workerId: "dead", leaseMs: 1 });
    return claimed!.id;
  }

  describe("waits for a later placement, then is placed exactly once", () => {
    let waitingBatch: string;
    let earlier: string;
    let orderId: string;
    const [imei] = makeImeis(1, 402);

    it("its lease expires: the batch needs attention once settlement cannot close the window", async () => {
      earlier = await placeBatch(f, makeImeis(5, 401));
      let worker = startWorker(f);
      await waitFor(async () => (await countInFlight(f.db, [earlier])) === 0, 20_000, "the first batch");
      await worker.stop();

      waitingBatch = await placeBatch(f, [imei!]);
      orderId = await loseBeforeSending(waitingBatch);
      await new Promise((r) => setTimeout(r, 20));
      // The worker's lease sweep makes it uncertain; with nothing else queued it finishes the batch's part.
      worker = startWorker(f);
      await waitFor(
        async () =>
          (await f.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).state === "uncertain",
        10_000,
        "the lease sweep",
      );
      await worker.stop();
      const order = await f.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
      expect(order.errorKind).toBe("lease_expired");
      expect(order.scanFrom).not.toBeNull();
      expect(order.settleAfter).not.toBeNull();
      // Still being settled: the batch is not finished yet, and its stream has not ended.
      expect(["queued", "running"]).toContain(
        (await f.db.prisma.batch.findUniqueOrThrow({ where: { id: waitingBatch } })).state,
      );

      // Past the dead call's timeout and margin.
      await new Promise((r) => setTimeout(r, 400));
      const round = await settleUncertainOrders(f.db, f.client);
      // (An earlier order whose answer came late under load may be settled in the same round.)
      expect(round.noted).toBe(1);
      expect(round.requeued).toBe(0);
      const waiting = await f.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } });
      expect(waiting.state).toBe("uncertain");
      expect(waiting.settleNote).toMatch(/waits for the next placement/);
      expect(f.sandbox.state.charges.filter((c) => c.imei === imei)).toHaveLength(0);
      expect((await f.db.prisma.batch.findUniqueOrThrow({ where: { id: waitingBatch } })).state).toBe(
        "needs_attention",
      );
      const progress = await getBatchProgress(f.db, waitingBatch, actingScopeOf(f.admin));
      expect(isBatchSettled(progress)).toBe(true);
    });

    it("a later placement closes the window: the order is queued again and placed once", async () => {
      const later = await placeBatch(f, makeImeis(3, 403));
      const worker = startWorker(f);
      await waitFor(async () => (await countInFlight(f.db, [later])) === 0, 20_000, "the later batch");
      // The note's back-off: ask again now.
      const round = await settleUncertainOrders(f.db, f.client, {
        now: new Date(Date.now() + 60_000),
        maxCalls: 100,
      });
      expect(round.requeued).toBe(1);
      // Work for the machine again: the batch that needed attention runs.
      expect((await f.db.prisma.batch.findUniqueOrThrow({ where: { id: waitingBatch } })).state).toBe(
        "running",
      );
      const requeued = await f.db.prisma.orderEvent.findFirstOrThrow({
        where: { orderId, fromState: "uncertain", toState: "queued" },
      });
      expect(requeued.actor).toBe("system");
      expect(requeued.reason).toMatch(
        /^not placed: ids \d+(–\d+)? scanned \(window closed by upstream order \d+\)/,
      );
      await waitFor(
        async () =>
          (await f.db.prisma.order.findUniqueOrThrow({ where: { id: orderId } })).state === "submitted",
        20_000,
        "the order placed again",
      );
      await worker.stop();
      expect(f.sandbox.state.charges.filter((c) => c.imei === imei)).toHaveLength(1);
      const report = await checkLedger(f.db, f.sandbox, {
        serviceId: "1739",
        batchIds: [earlier, waitingBatch, later],
      });
      expect(report.violations).toEqual([]);
      expect((await checkEventHistory(f.db, [waitingBatch])).violations).toEqual([]);
    });
  });
});
