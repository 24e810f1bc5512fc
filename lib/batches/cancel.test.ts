/**
 * Cancelling stops what was not sent yet, also orders a worker had already leased; another operator's
 * batch can be neither confirmed nor cancelled.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AppUser } from "@/lib/auth/users";
import { SubmissionWorker } from "@/lib/orders/worker";
import { claimQueuedOrders, markSubmitting } from "@/lib/orders/transitions";
import { appError, countOrderStates } from "@/lib/test/batch-helpers";
import { describeEachDb } from "@/lib/test/db";
import { makeImeis, type EngineFixture, createEngineFixture, insertUser } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import { cancelBatch } from "./cancel";
import { confirmBatch } from "./confirm";
import { createDraft } from "./create-draft";

describeEachDb("cancellation", (provider) => {
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
