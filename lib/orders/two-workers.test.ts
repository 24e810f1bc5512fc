/**
 * Two submission workers on one PostgreSQL database (as two app instances would run): no order is claimed
 * twice (FOR UPDATE SKIP LOCKED plus the lease-holder check on `queued → submitting`). PostgreSQL only:
 * SQLite is one process's embedded database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmBatch, createDraft } from "@/lib/batches/drafts";
import { openDb, type Db } from "@/lib/db";
import { GsmFusionClient } from "@/lib/gsmfusion";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";
import { isPostgresReachable } from "@/lib/test/db";
import { makeImeis, waitFor, type EngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs, checkEventHistory, checkLedger, countInFlight, createQuickFixture } from "@/lib/test/order-invariants";
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
    f = await createQuickFixture("postgresql", { sandbox: { seed: 8, faults: { seed: 8, latencyMs: { placeorder: 3 }, jitterMs: 6 } } });
    // The second worker has its own connection pool and its own client, as another process would.
    secondDb = await openDb(f.db.url, { migrate: false });
    const secondClient = new GsmFusionClient({ baseUrl: f.sandbox.url, username: SANDBOX_DEFAULTS.username, apiKey: SANDBOX_DEFAULTS.apiKey, readRetries: 0 });
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
    const orders = await f.db.prisma.order.findMany({ where: { batchId }, select: { attempts: true, state: true } });
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
