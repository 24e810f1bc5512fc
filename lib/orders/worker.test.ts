import { afterAll, beforeAll, expect, it } from "vitest";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { describeEachDb } from "@/lib/test/db";
import type { Db } from "@/lib/db";
import { createEngineFixture, makeImeis, waitFor, type EngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import { SubmissionWorker } from "./worker";

describeEachDb("submission worker under an unavailable upstream", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider, {
      client: { breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await f.close();
    logs.restore();
  });

  it("pauses while the breaker is open instead of cycling orders through submitting", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(30, 11) });
    await confirmBatch(f.db, f.operator, draft.id);
    f.sandbox.state.setFaults({ rate503: 1 });
    const worker = new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: 1,
      idlePollMs: 10,
      retryBaseMs: 10,
    });
    worker.start();
    await new Promise((r) => setTimeout(r, 1_500));
    await worker.stop();

    expect(f.client.getHealth().state).toBe("open");
    const submittingEvents = await f.db.prisma.orderEvent.count({
      where: { toState: "submitting", order: { batchId: draft.id } },
    });
    // Two real 503s open the breaker; after that the worker waits rather than marking orders submitting.
    expect(submittingEvents).toBeGreaterThanOrEqual(2);
    expect(submittingEvents).toBeLessThanOrEqual(3);
    expect(f.sandbox.state.charges).toHaveLength(0);
    expect(await f.db.prisma.order.count({ where: { batchId: draft.id, state: "queued" } })).toBe(30);
  });
});

describeEachDb("submission worker under database errors", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f.close();
    logs.restore();
  });

  it("keeps placing after transient write failures, and every charge ends up recorded", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(40, 12) });
    await confirmBatch(f.db, f.operator, draft.id);
    // The real database, with every fifth write failing before it reaches it (a lock held too long by
    // another process, say).
    let writes = 0;
    const flaky: Db = {
      ...f.db,
      write: (fn) => {
        writes += 1;
        if (writes % 5 === 0) return Promise.reject(new Error("SQLITE_BUSY: database is locked"));
        return f.db.write(fn);
      },
    };
    const worker = new SubmissionWorker({
      db: flaky,
      upstream: f.client,
      concurrency: 4,
      idlePollMs: 10,
      claimLeaseMs: 200,
      submitLeaseMs: 2_000,
    });
    worker.start();
    await waitFor(
      async () =>
        (await f.db.prisma.order.count({
          where: { batchId: draft.id, state: { in: ["queued", "submitting"] } },
        })) === 0,
      30_000,
      "every order out of queued/submitting",
    );
    await worker.stop();

    expect(writes).toBeGreaterThan(20); // the faults really struck
    const orders = await f.db.prisma.order.findMany({ where: { batchId: draft.id } });
    const byUpstreamId = new Set(orders.map((o) => o.upstreamOrderId).filter(Boolean));
    for (const charge of f.sandbox.state.charges) {
      // Each charge is linked to its order, or its order is uncertain (the answer's write failed for good).
      const order = orders.find((o) => o.imei === charge.imei)!;
      expect(byUpstreamId.has(charge.orderId) || order.state === "uncertain").toBe(true);
    }
    expect(new Set(f.sandbox.state.charges.map((c) => c.imei)).size).toBe(f.sandbox.state.charges.length);
  });
});

describeEachDb("submission worker and an oversized answer", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider, { client: { maxAnswerBytes: 64 * 1024 } });
  });
  afterAll(async () => {
    await f.close();
    logs.restore();
  });

  it("an answer over the cap after the charge leaves the order uncertain, never placed again", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(3, 13) });
    await confirmBatch(f.db, f.operator, draft.id);
    f.sandbox.state.setFaults({ oversizeAnswer: 1, oversizeAnswerBytes: 1024 * 1024 });
    const worker = new SubmissionWorker({ db: f.db, upstream: f.client, concurrency: 3, idlePollMs: 10 });
    worker.start();
    const open = () =>
      f.db.prisma.order.count({ where: { batchId: draft.id, state: { in: ["queued", "submitting"] } } });
    await waitFor(async () => (await open()) === 0, 20_000, "every order out of queued/submitting");
    await worker.stop();

    const orders = await f.db.prisma.order.findMany({ where: { batchId: draft.id } });
    expect(orders.map((o) => [o.state, o.errorKind])).toEqual([
      ["uncertain", "too_large"],
      ["uncertain", "too_large"],
      ["uncertain", "too_large"],
    ]);
    expect(f.sandbox.state.charges).toHaveLength(3);
    expect(f.sandbox.state.stats.calls.placeorder).toBe(3);
  });
});
