/**
 * The permission model on real databases: whose rows a user's reads and actions reach, how the shop's
 * "operators see all orders" setting widens seeing and never acting, and the pages' reads that take a
 * scope (dashboard, statistics). The route-by-route checks are in app/api/v1/permissions.test.ts.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { getSpendReport } from "@/lib/admin/spend";
import { updateShopSettings } from "@/lib/admin/settings";
import { countUncertainOrders, listBatchSummaries } from "@/lib/batches/progress";
import type { Db } from "@/lib/db";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, insertUser, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import {
  actingScopeOf,
  canActOn,
  coversEveryOwner,
  findBatchFor,
  findOrderFor,
  listPagesFor,
  ownerScopeFor,
} from "./permissions";
import type { AppUser } from "./users";

/** A batch with orders in the given states, placed (charged) ones on 2026-11-21. */
async function insertBatch(db: Db, owner: AppUser, seed: number, states: string[]) {
  const batch = await db.prisma.batch.create({
    data: {
      ownerId: owner.id,
      serviceId: "1739",
      sourceName: `batch of ${owner.email}`,
      state: "running",
      totalLines: states.length,
      toSubmit: states.length,
      invalidCount: 0,
      duplicatesInBatch: 0,
      alreadyOrderedCount: 0,
      unitPriceMicros: 80_000n,
      estimatedCostMicros: 80_000n * BigInt(states.length),
    },
  });
  const imeis = makeImeis(states.length, seed);
  await db.prisma.order.createMany({
    data: states.map((state, i) => ({
      batchId: batch.id,
      serviceId: "1739",
      ownerId: owner.id,
      imei: imeis[i]!,
      line: i + 1,
      state,
      priceMicros: 80_000n,
      ...(state === "completed"
        ? { placedAt: new Date("2026-11-21T10:00:00Z"), upstreamOrderId: `${seed}${i}` }
        : {}),
    })),
  });
  return batch;
}

describeEachDb("the permission model", (provider) => {
  let f: EngineFixture;
  let other: AppUser;
  let mineId: string;
  let theirsId: string;
  const now = new Date("2026-11-21T12:00:00Z");
  const setSeeAll = (on: boolean) => updateShopSettings(f.db, f.admin, { operatorsSeeAllOrders: on });

  beforeAll(async () => {
    f = await createEngineFixture(provider);
    other = await insertUser(f.db, "other@test.local", "operator");
    mineId = (await insertBatch(f.db, f.operator, 1, ["completed", "completed", "uncertain"])).id;
    theirsId = (await insertBatch(f.db, other, 2, ["completed", "uncertain", "uncertain", "queued"])).id;
  });
  afterAll(async () => {
    await f?.close();
  });

  it("an operator's reads and actions reach their own rows; an admin's reach every owner's", async () => {
    expect((await ownerScopeFor(f.db, f.operator, "see")).ownerId).toBe(f.operator.id);
    expect((await ownerScopeFor(f.db, f.operator, "act")).ownerId).toBe(f.operator.id);
    expect(coversEveryOwner(await ownerScopeFor(f.db, f.admin, "see"))).toBe(true);
    expect(coversEveryOwner(actingScopeOf(f.admin))).toBe(true);
    expect(canActOn(f.operator, f.operator.id)).toBe(true);
    expect(canActOn(f.operator, other.id)).toBe(false);
    expect(canActOn(f.admin, other.id)).toBe(true);
  });

  it("the shop setting widens what operators see, never what they may do, and is read on each call", async () => {
    await setSeeAll(true);
    try {
      expect(coversEveryOwner(await ownerScopeFor(f.db, f.operator, "see"))).toBe(true);
      expect((await ownerScopeFor(f.db, f.operator, "act")).ownerId).toBe(f.operator.id);
      expect((await findBatchFor(f.db, f.operator, theirsId, "see")).id).toBe(theirsId);
      await expect(findBatchFor(f.db, f.operator, theirsId, "act")).rejects.toMatchObject({
        code: "forbidden",
      });
    } finally {
      await setSeeAll(false);
    }
    expect((await ownerScopeFor(f.db, f.operator, "see")).ownerId).toBe(f.operator.id);
    await expect(findBatchFor(f.db, f.operator, theirsId, "see")).rejects.toMatchObject({
      code: "not_found",
      message: "Batch not found",
    });
    const theirOrder = await f.db.prisma.order.findFirstOrThrow({ where: { batchId: theirsId } });
    for (const intent of ["see", "act"] as const) {
      await expect(findOrderFor(f.db, f.operator, theirOrder.id, intent)).rejects.toMatchObject({
        code: "not_found",
        message: "Order not found",
      });
      expect((await findOrderFor(f.db, f.admin, theirOrder.id, intent)).id).toBe(theirOrder.id);
    }
  });

  it("the dashboard shows an operator their own batches and their own orders that need a decision", async () => {
    const mine = await listBatchSummaries(f.db, actingScopeOf(f.operator));
    expect(mine.map((b) => b.id)).toEqual([mineId]);
    expect(await countUncertainOrders(f.db, actingScopeOf(f.operator))).toBe(1);
    expect(await countUncertainOrders(f.db, actingScopeOf(other))).toBe(2);
    const all = await listBatchSummaries(f.db, actingScopeOf(f.admin));
    expect(all.map((b) => b.id).sort()).toEqual([mineId, theirsId].sort());
    expect(await countUncertainOrders(f.db, actingScopeOf(f.admin))).toBe(3);
  });

  it("statistics show an operator their own spend, the whole shop's under the setting or to an admin", async () => {
    const own = await getSpendReport(f.db, await ownerScopeFor(f.db, f.operator, "see"), { now });
    expect(own.total).toEqual({ orders: 2, spend: "0.16" });
    expect(own.uncertain).toEqual({ orders: 1, spend: "0.08" });
    expect(own.byOperator.map((r) => r.key)).toEqual([f.operator.id]);

    const shop = await getSpendReport(f.db, await ownerScopeFor(f.db, f.admin, "see"), { now });
    expect(shop.total).toEqual({ orders: 3, spend: "0.24" });
    expect(shop.uncertain).toEqual({ orders: 3, spend: "0.24" });

    await setSeeAll(true);
    try {
      const team = await getSpendReport(f.db, await ownerScopeFor(f.db, f.operator, "see"), { now });
      expect(team.total).toEqual(shop.total);
      expect(team.byOperator.map((r) => r.key).sort()).toEqual([f.operator.id, other.id].sort());
    } finally {
      await setSeeAll(false);
    }
  });

  it("the navigation offers an operator no admin page", () => {
    expect(listPagesFor(f.operator).map((p) => p.href)).not.toContain("/admin");
    expect(listPagesFor(f.admin).map((p) => p.href)).toContain("/admin");
  });

  it.runIf(provider === "sqlite")(
    "an operator's scoped queries are served by an index, not a scan",
    async () => {
      // The scoped reads' shapes (Prisma writes them the same way): the orders list, the dashboard's
      // uncertain count, the spend report's owner filter, the dashboard's batches.
      const queries: [string, string][] = [
        [
          `SELECT "id" FROM "Order" WHERE "ownerId" = ? AND "state" <> 'draft' ORDER BY "createdAt" DESC, "id" DESC LIMIT 101`,
          "Order_ownerId_createdAt_idx",
        ],
        [
          `SELECT COUNT(*) FROM "Order" WHERE "state" = 'uncertain' AND "ownerId" = ?`,
          "Order_ownerId_state_placedAt_idx",
        ],
        [
          `SELECT COUNT(*), SUM("priceMicros") FROM "Order" WHERE "state" IN ('submitted', 'completed', 'rejected') AND "placedAt" >= ? AND "ownerId" = ?`,
          "Order_ownerId_state_placedAt_idx",
        ],
        [
          `SELECT "id" FROM "Batch" WHERE "ownerId" = ? ORDER BY "createdAt" DESC LIMIT 25`,
          "Batch_ownerId_createdAt_idx",
        ],
      ];
      for (const [sql, index] of queries) {
        const plan = await f.db.prisma.$queryRawUnsafe<{ detail: string }[]>(
          `EXPLAIN QUERY PLAN ${sql}`,
          ...Array.from(sql.matchAll(/\?/g), () => "x"),
        );
        const details = plan.map((p) => p.detail).join("; ");
        expect(details, sql).toMatch(
          new RegExp(`^SEARCH \\w+ USING (COVERING )?INDEX ${index} \\(ownerId=\\?`),
        );
      }
    },
  );
});
