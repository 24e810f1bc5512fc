import { afterAll, beforeAll, expect, it } from "vitest";
import { actingScopeOf } from "@/lib/auth/permissions";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import { getSpendReport } from "./spend";

describeEachDb("spend report", (provider) => {
  let f: EngineFixture;
  beforeAll(async () => {
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f.close();
  });

  it("sums placed orders exactly, per day, service and operator, and keeps uncertain apart", async () => {
    const batch = await f.db.prisma.batch.create({
      data: {
        ownerId: f.operator.id,
        serviceId: "1739",
        sourceName: "t",
        state: "running",
        totalLines: 5,
        toSubmit: 5,
        invalidCount: 0,
        duplicatesInBatch: 0,
        alreadyOrderedCount: 0,
        unitPriceMicros: 80_000n,
        estimatedCostMicros: 400_000n,
      },
    });
    const [a, b, c, d, e] = makeImeis(5, 42);
    const day1 = new Date("2026-11-20T23:59:00Z");
    const day2 = new Date("2026-11-21T00:01:00Z");
    const base = { batchId: batch.id, serviceId: "1739", ownerId: f.operator.id, priceMicros: 80_000n };
    await f.db.prisma.order.createMany({
      data: [
        { ...base, imei: a!, line: 1, state: "completed", placedAt: day1, upstreamOrderId: "1" },
        { ...base, imei: b!, line: 2, state: "rejected", placedAt: day2, upstreamOrderId: "2" },
        { ...base, imei: c!, line: 3, state: "submitted", placedAt: day2, upstreamOrderId: "3" },
        { ...base, imei: d!, line: 4, state: "uncertain" },
        { ...base, imei: e!, line: 5, state: "failed" },
      ],
    });
    const report = await getSpendReport(f.db, actingScopeOf(f.admin), {
      days: 30,
      now: new Date("2026-11-21T12:00:00Z"),
    });
    expect(report.total).toEqual({ orders: 3, spend: "0.24" });
    expect(report.uncertain).toEqual({ orders: 1, spend: "0.08" });
    expect(report.byDay).toEqual([
      { key: "2026-11-21", label: "2026-11-21", orders: 2, spend: "0.16" },
      { key: "2026-11-20", label: "2026-11-20", orders: 1, spend: "0.08" },
    ]);
    expect(report.byService).toEqual([
      { key: "1739", label: expect.stringContaining("Apple iPhone"), orders: 3, spend: "0.24" },
    ]);
    expect(report.byOperator).toEqual([
      { key: f.operator.id, label: "op@test.local", orders: 3, spend: "0.24" },
    ]);
    const narrow = await getSpendReport(f.db, actingScopeOf(f.admin), {
      days: 1,
      now: new Date("2026-11-21T12:00:00Z"),
    });
    expect(narrow.total).toEqual({ orders: 2, spend: "0.16" });
  });
});
