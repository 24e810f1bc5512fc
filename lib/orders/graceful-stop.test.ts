/**
 * SIGTERM to the worker process (npm run worker): it stops claiming, lets the calls in flight finish, and
 * records their answers before exiting — so a deploy never turns orders into `uncertain`.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, makeImeis, waitFor, type EngineFixture } from "@/lib/test/engine-fixtures";
import { spawnWorkerProcess } from "@/lib/test/worker-process";

describeEachDb("graceful stop", (provider) => {
  let f: EngineFixture;
  beforeAll(async () => {
    // Slow calls (400 ms), so SIGTERM lands while several are in flight.
    f = await createEngineFixture(provider, { sandbox: { faults: { latencyMs: { placeorder: 400 } } } });
  });
  afterAll(async () => {
    await f.close();
  });

  it("finishes and records the calls in flight, then exits without leaving anything submitting", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(200, 51) });
    await confirmBatch(f.db, f.operator, draft.id);
    const worker = spawnWorkerProcess({
      databaseUrl: f.db.url,
      upstreamUrl: f.sandbox.url,
      env: { SUBMIT_CONCURRENCY: "8" },
    });
    await worker.started;
    await waitFor(
      async () => (await f.db.prisma.order.count({ where: { batchId: draft.id, state: "submitting" } })) > 0,
      20_000,
      "calls in flight",
    );
    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    expect(exit.code).toBe(0);

    const states = await f.db.prisma.order.groupBy({
      by: ["state"],
      where: { batchId: draft.id },
      _count: { _all: true },
    });
    const count = (s: string) => states.find((g) => g.state === s)?._count._all ?? 0;
    expect(count("submitting")).toBe(0);
    expect(count("uncertain")).toBe(0);
    expect(count("queued")).toBeGreaterThan(0); // it stopped claiming; the rest wait for the next worker
    // Every charge the sandbox took is recorded against its order.
    const placed = await f.db.prisma.order.findMany({
      where: { batchId: draft.id, upstreamOrderId: { not: null } },
      select: { upstreamOrderId: true },
    });
    expect(new Set(placed.map((o) => o.upstreamOrderId))).toEqual(
      new Set(f.sandbox.state.charges.map((c) => c.orderId)),
    );
    // Nothing is left leased to the stopped worker.
    expect(
      await f.db.prisma.order.count({
        where: { batchId: draft.id, state: "queued", leaseOwner: { not: null } },
      }),
    ).toBe(0);
  });
});
