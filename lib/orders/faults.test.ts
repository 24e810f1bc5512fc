/**
 * A 1,000-order batch against an upstream that fails in every way it can (seeded): rate limits with and
 * without a pause, 503s, and the faults that strike AFTER the charge (dropped connection, an answer later
 * than the client's timeout, a truncated answer, a 502 from a gateway that lost the answer), plus a hard
 * concurrency limit. Whatever happened, the sandbox's charge ledger and our orders must agree.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { actingScopeOf } from "@/lib/auth/permissions";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import type { SandboxFaults } from "@/lib/gsmfusion/sandbox/server";
import { describeEachDb } from "@/lib/test/db";
import { makeImeis, waitFor, type EngineFixture, createEngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs, checkEventHistory, checkLedger, countInFlight } from "@/lib/test/order-invariants";
import { syncNow } from "./sync";
import { SubmissionWorker } from "./worker";

const ORDERS = 1_000;

// Before the charge: 429 (Retry-After 1 s, so the worker pauses), 503. After it: every way to lose an answer.
const PHASE_ONE: SandboxFaults = {
  seed: 4242,
  latencyMs: { placeorder: 2, read: 0 },
  jitterMs: 4,
  rate429: 0.006,
  retryAfterSeconds: 1,
  rate503: 0.015,
  dropAfterCharge: 0.02,
  rateDelayAfterCharge: 0.02,
  delayAfterChargeMs: 600, // above the client's placeOrderTimeoutMs (300): a timeout after the charge
  truncateAfterCharge: 0.02,
  rate502AfterCharge: 0.02,
};
// Then: 429 with Retry-After 0 (no pause, back-off only) and a hard limit on calls in flight.
const PHASE_TWO: SandboxFaults = {
  ...PHASE_ONE,
  seed: 777,
  rate429: 0.03,
  retryAfterSeconds: 0,
  maxConcurrent: 12,
};

describeEachDb("placing 1,000 orders through every fault class", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let batchId: string;
  let worker: SubmissionWorker;

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider, {
      sandbox: { seed: 9 },
      // A short timeout so delayed answers time out; a breaker that half-opens at once, so a run of
      // failures only requeues (circuit_open is "not processed") instead of stalling the test.
      client: { placeOrderTimeoutMs: 300, breaker: { consecutiveFailures: 10, halfOpenAfterMs: 50 } },
    });
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(ORDERS, 31) });
    batchId = draft.id;
    await confirmBatch(f.db, f.operator, batchId);

    f.sandbox.state.setFaults(PHASE_ONE);
    worker = new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: 16,
      idlePollMs: 10,
      retryBaseMs: 20,
      retryMaxMs: 400,
      firstCheckMs: () => 0,
    });
    worker.start();
    await waitFor(
      async () => f.sandbox.state.charges.length >= ORDERS * 0.4,
      30_000,
      "the first 40% charged",
    );
    f.sandbox.state.setFaults(PHASE_TWO);
    await waitFor(
      async () => (await countInFlight(f.db, [batchId])) === 0,
      45_000,
      "no order queued or submitting",
    );
    await worker.stop();
    // Results come back over a healthy connection.
    f.sandbox.state.setFaults({});
    await syncNow(f.db, f.client, { batchId }, actingScopeOf(f.admin));
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await f?.close();
    logs?.restore();
  });

  it("exercised every fault class", async () => {
    const orders = await f.db.prisma.order.findMany({
      where: { batchId },
      select: { state: true, errorKind: true, attempts: true },
    });
    const uncertainKinds = new Set(orders.filter((o) => o.state === "uncertain").map((o) => o.errorKind));
    // drop → reset, delay → timeout, truncate → unreadable, 502 → bad_gateway.
    for (const kind of ["reset", "timeout", "unreadable", "bad_gateway"])
      expect(uncertainKinds, `an uncertain order of kind ${kind}`).toContain(kind);
    expect(worker.stats.requeued).toBeGreaterThan(0);
    expect(orders.some((o) => o.attempts > 1)).toBe(true);
    const calls = f.sandbox.state.stats.calls.placeorder ?? 0;
    expect(calls).toBeGreaterThan(f.sandbox.state.charges.length);
    const failureLines = logs.lines
      .filter((l) => l.msg === "gsmfusion: call failed")
      .map((l) => l.fields.code);
    for (const code of ["rate_limited", "unavailable"]) expect(failureLines).toContain(code);
  });

  it("every charged IMEI is one order with its upstream id, or uncertain; nothing charged twice; nothing placed without a charge; nothing stuck", async () => {
    const report = await checkLedger(f.db, f.sandbox, { serviceId: "1739", batchIds: [batchId] });
    expect(report.violations).toEqual([]);
    expect(report.orders).toHaveLength(ORDERS);
    // Fresh IMEIs and no refusals injected: only placed (then completed/rejected) and uncertain.
    expect(report.counts.duplicate ?? 0).toBe(0);
    expect(report.counts.failed ?? 0).toBe(0);
    expect(report.counts.submitted ?? 0).toBe(0); // all synced
    const placed = (report.counts.completed ?? 0) + (report.counts.rejected ?? 0);
    expect(placed + (report.counts.uncertain ?? 0)).toBe(ORDERS);
    // Every uncertain order here comes from a fault that strikes after the charge, or a lost answer.
    expect(report.charges.length).toBeGreaterThanOrEqual(placed);
  });

  it("no placed answer was dropped on the floor (nothing logged at error level)", () => {
    expect(logs.errors()).toEqual([]);
  });

  it("the OrderEvent history has an event for every transition", async () => {
    const { violations } = await checkEventHistory(f.db, [batchId]);
    expect(violations).toEqual([]);
  });
});
