/**
 * Two submission workers on one PostgreSQL database (as two app instances would run): no order is claimed
 * twice (FOR UPDATE SKIP LOCKED plus the lease-holder check on `queued → submitting`). PostgreSQL only:
 * SQLite is one process's embedded database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { openDb, type Db } from "@/lib/db";
import { GsmFusionClient } from "@/lib/gsmfusion";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";
import { isPostgresReachable } from "@/lib/test/db";
import { makeImeis, waitFor, type EngineFixture, createEngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs, checkEventHistory, checkLedger, countInFlight } from "@/lib/test/order-invariants";
import { syncDueOrders } from "./sync";
import { claimQueuedOrders } from "./transitions";
import { SubmissionWorker } from "./worker";

const ORDERS = 1_000;
// lib/test/db.ts already fails the run under CI=true when PostgreSQL is unreachable.
const postgres = await isPostgresReachable();

describe.skipIf(!postgres)("two workers on one PostgreSQL database [postgresql]", () => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let secondDb: Db;
  let batchId: string;
  let workers: SubmissionWorker[] = [];

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture("postgresql", {
      sandbox: { seed: 8, faults: { seed: 8, latencyMs: { placeorder: 3 }, jitterMs: 6 } },
    });
    // The second worker has its own connection pool and its own client, as another process would.
    secondDb = await openDb(f.db.url, { migrate: false });
    const secondClient = new GsmFusionClient({
      baseUrl: f.sandbox.url,
      username: SANDBOX_DEFAULTS.username,
      apiKey: SANDBOX_DEFAULTS.apiKey,
      readRetries: 0,
    });
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(ORDERS, 77) });
    batchId = draft.id;
    await confirmBatch(f.db, f.operator, batchId);

    const common = { concurrency: 12, idlePollMs: 10, firstCheckMs: () => 60_000 };
    workers = [
      new SubmissionWorker({ ...common, db: f.db, upstream: f.client, workerId: "instance-a" }),
      new SubmissionWorker({ ...common, db: secondDb, upstream: secondClient, workerId: "instance-b" }),
    ];
    for (const w of workers) w.start();
    await waitFor(async () => (await countInFlight(f.db, [batchId])) === 0, 60_000, "every order placed");
    await Promise.all(workers.map((w) => w.stop()));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await secondDb?.close();
    await f?.close();
    logs?.restore();
  });

  it("both workers placed orders", () => {
    const [a, b] = workers;
    expect(a!.stats.placed).toBeGreaterThan(0);
    expect(b!.stats.placed).toBeGreaterThan(0);
    expect(a!.stats.placed + b!.stats.placed).toBe(ORDERS);
  });

  it("no order was claimed twice: one placeorder call per order, one attempt each", async () => {
    expect(f.sandbox.state.stats.calls.placeorder).toBe(ORDERS);
    expect(f.sandbox.state.charges).toHaveLength(ORDERS);
    const orders = await f.db.prisma.order.findMany({
      where: { batchId },
      select: { attempts: true, state: true },
    });
    expect(orders.filter((o) => o.attempts !== 1)).toEqual([]);
    expect(orders.every((o) => o.state === "submitted")).toBe(true);
    const report = await checkLedger(f.db, f.sandbox, { serviceId: "1739", batchIds: [batchId] });
    expect(report.violations).toEqual([]);
  });

  it("OrderEvent shows exactly one submitting transition per order", async () => {
    const { violations, submittingEvents } = await checkEventHistory(f.db, [batchId]);
    expect(violations).toEqual([]);
    expect(submittingEvents.size).toBe(ORDERS);
    expect([...submittingEvents.values()].every((n) => n === 1)).toBe(true);
  });

  it("nothing was logged at error level", () => {
    expect(logs.errors()).toEqual([]);
  });
});

// Its own fresh database: the faulty plan shows on small tables without statistics.
describe.skipIf(!postgres)("locking subqueries on PostgreSQL take at most their LIMIT [postgresql]", () => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture("postgresql");
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("a claim takes at most its limit", async () => {
    // PostgreSQL may run `id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)` as a nested-loop semi join that
    // re-runs the subquery for every outer row: each run skips the rows the statement already locked and
    // takes the next n, so one "group of 8" claim leased a whole batch.
    for (const size of [4, 40]) {
      const draft = await createDraft(f.db, f.operator, {
        serviceId: "1739",
        imeis: makeImeis(size, 700 + size),
      });
      await confirmBatch(f.db, f.operator, draft.id);
      const claimed = await claimQueuedOrders(f.db, {
        workerId: "probe",
        batchId: draft.id,
        limit: 2,
        leaseMs: 30_000,
      });
      expect(claimed, `claim of 2 from a batch of ${size}`).toHaveLength(2);
      expect(await f.db.prisma.order.count({ where: { batchId: draft.id, leaseOwner: "probe" } })).toBe(2);
    }
  });

  it("a status-sync round leases at most its limit", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1740", imeis: makeImeis(30, 750) });
    await confirmBatch(f.db, f.operator, draft.id);
    const worker = new SubmissionWorker({
      db: f.db,
      upstream: f.client,
      concurrency: 8,
      idlePollMs: 10,
      firstCheckMs: () => 0,
    });
    worker.start();
    await waitFor(async () => (await countInFlight(f.db, [draft.id])) === 0, 20_000, "30 orders placed");
    await worker.stop();
    const asked: number[] = [];
    const noAnswers = { getOrders: async (ids: string[]) => (asked.push(ids.length), []) };
    const result = await syncDueOrders(f.db, noAnswers, { limit: 3, filter: { batchId: draft.id } });
    expect(result.checked).toBe(3);
    expect(asked).toEqual([3]);
    expect(logs.errors()).toEqual([]);
  });
});
