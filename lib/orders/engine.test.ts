import { afterAll, beforeAll, expect, it } from "vitest";
import { actingScopeOf } from "@/lib/auth/permissions";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { getBatchProgress } from "@/lib/batches/progress";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, makeImeis, waitFor, type EngineFixture } from "@/lib/test/engine-fixtures";
import { syncNow } from "./sync";
import { SubmissionWorker } from "./worker";

describeEachDb("order engine, happy path", (provider) => {
  let f: EngineFixture;
  beforeAll(async () => {
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f.close();
  });

  it("places every confirmed IMEI exactly once and brings results back", async () => {
    const imeis = makeImeis(40, 7);
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis });
    expect(draft.toSubmit).toBe(40);
    expect(draft.estimatedCost).toBe("3.20");
    expect(f.sandbox.state.charges).toHaveLength(0); // a draft places nothing
    await confirmBatch(f.db, f.operator, draft.id);

    const worker = new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: 8,
      idlePollMs: 20,
      firstCheckMs: () => 0,
    });
    worker.start();
    await waitFor(
      async () =>
        (await getBatchProgress(f.db, draft.id, actingScopeOf(f.operator))).counts.submitted +
          (await getBatchProgress(f.db, draft.id, actingScopeOf(f.operator))).counts.completed ===
        40,
      30_000,
      "all placed",
    );
    await worker.stop();

    const charges = f.sandbox.state.charges;
    expect(charges).toHaveLength(40);
    const orders = await f.db.prisma.order.findMany({ where: { batchId: draft.id } });
    const byUpstream = new Map(orders.map((o) => [o.upstreamOrderId, o]));
    for (const charge of charges) expect(byUpstream.get(charge.orderId)?.imei).toBe(charge.imei);

    const synced = await syncNow(f.db, f.client, { batchId: draft.id }, actingScopeOf(f.operator));
    expect(synced.checked).toBe(40);
    const progress = await getBatchProgress(f.db, draft.id, actingScopeOf(f.operator));
    expect(progress.counts.completed + progress.counts.rejected).toBe(40);
    expect(progress.status).toBe("done");
    expect(progress.cost.placed).toBe("3.20");
    const events = await f.db.prisma.orderEvent.findMany({
      where: { orderId: orders[0]!.id },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => e.toState)).toEqual([
      "queued",
      "submitting",
      "submitted",
      expect.stringMatching(/completed|rejected/),
    ]);
  });
});
