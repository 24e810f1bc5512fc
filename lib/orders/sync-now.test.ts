/**
 * "Sync now" is throttled: a second request while a sync of the same scope runs joins it (one upstream
 * round), and each user starts at most one sync per 10 s, on any number of processes.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { actingScopeOf } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import { openDb } from "@/lib/db";
import { appError } from "@/lib/test/batch-helpers";
import { describeEachDb } from "@/lib/test/db";
import {
  createEngineFixture,
  insertBatchRow,
  insertUser,
  makeImeis,
  type EngineFixture,
} from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import type { SyncFilter } from "./schemas";
import { claimSyncTurn, requestSyncNow, SYNC_NOW_INTERVAL_MS } from "./sync-now";

describeEachDb("Sync now: joined and throttled", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let batchId: string;
  let users = 0;
  // Admins: they see the operator's batch these syncs ask about (whose orders a sync reaches is tested
  // with the permissions).
  const newUser = (): Promise<AppUser> => insertUser(f.db, `sync-${++users}@shop.test`, "admin");
  const sync = (user: AppUser, filter: SyncFilter, options?: { now: Date }) =>
    requestSyncNow(f.db, f.client, user, filter, actingScopeOf(user), options);
  const getimeisCalls = () => f.sandbox.state.stats.calls.getimeis ?? 0;

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider, {
      sandbox: { timing: { inProcessAfterMs: 60_000, finalAfterMs: 60_000 } },
    });
    const batch = await insertBatchRow(f.db, {
      ownerId: f.operator.id,
      serviceId: "1739",
      state: "running",
      size: 5,
    });
    batchId = batch.id;
    const service = f.sandbox.state.findService("1739")!;
    const rows = makeImeis(5, 77).map((imei, i) => ({
      id: randomUUID(),
      batchId,
      serviceId: "1739",
      ownerId: f.operator.id,
      imei,
      line: i + 1,
      state: "submitted",
      priceMicros: 80_000n,
      upstreamOrderId: f.sandbox.state.placeOrder(service, imei).id,
      placedAt: new Date(),
    }));
    await f.db.write((p) => p.order.createMany({ data: rows }));
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("a request while a sync of the same scope runs joins it: one upstream round, the same answer", async () => {
    f.sandbox.state.setFaults({ latencyMs: { read: 300 } });
    const [first, second] = [await newUser(), await newUser()];
    const before = getimeisCalls();
    const results = await Promise.all([
      sync(first, { batchId }),
      sync(second, { batchId }),
      sync(first, { batchId }),
    ]);
    expect(getimeisCalls()).toBe(before + 1);
    expect(results[0]).toEqual({ checked: 5, completed: 0, rejected: 0, stillOpen: 5, missing: 0 });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    // Only the user who started it used their turn.
    const turns = [first, second].map((u) => `sync-now:${u.id}`);
    expect(await f.db.prisma.throttle.count({ where: { id: { in: turns } } })).toBe(1);
    f.sandbox.state.setFaults({});
  });

  it("a user's second sync within 10 s is a 429 saying when; another user's is not; after 10 s it runs", async () => {
    const [user, other] = [await newUser(), await newUser()];
    const start = new Date();
    await sync(user, {}, { now: start });
    const calls = getimeisCalls();
    const refused = await appError(sync(user, { batchId }, { now: new Date(start.getTime() + 3_000) }));
    expect(refused.code).toBe("rate_limited");
    expect(refused.status).toBe(429);
    expect(refused.retryAfterSeconds).toBe(7);
    expect(refused.message).toMatch(/started a sync 3 s ago.*Try again in 7 s/);
    expect(getimeisCalls()).toBe(calls);

    // Asked together: the throttled user is refused, the other one, who joined, gets a sync of their own.
    const together = await Promise.allSettled([
      sync(user, { batchId }, { now: new Date(start.getTime() + 3_000) }),
      sync(other, { batchId }, { now: new Date(start.getTime() + 3_000) }),
    ]);
    expect(together.map((o) => o.status)).toEqual(["rejected", "fulfilled"]);
    expect(getimeisCalls()).toBe(calls + 1);
    const later = new Date(start.getTime() + SYNC_NOW_INTERVAL_MS);
    expect((await sync(user, { batchId }, { now: later })).checked).toBe(5);
  });

  it("the limit holds across processes: one database, two clients", async () => {
    const user = await newUser();
    const secondProcess = await openDb(f.db.url, { migrate: false });
    try {
      const now = new Date();
      await claimSyncTurn(f.db, user.id, { now });
      expect((await appError(claimSyncTurn(secondProcess, user.id, { now }))).code).toBe("rate_limited");
      // Two at once from two processes: exactly one gets the turn.
      const other = await newUser();
      const outcomes = await Promise.allSettled([
        claimSyncTurn(f.db, other.id, { now }),
        claimSyncTurn(secondProcess, other.id, { now }),
      ]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    } finally {
      await secondProcess.close();
    }
  });
});
