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

  it("sums placed orders exactly, per day, service and operator, and keeps uncertain and written off apart", async () => {
    const batch = await f.db.prisma.batch.create({
      data: {
        ownerId: f.operator.id,
        serviceId: "1739",
        sourceName: "t",
        state: "running",
        totalLines: 7,
        toSubmit: 7,
        invalidCount: 0,
        duplicatesInBatch: 0,
        alreadyOrderedCount: 0,
        unitPriceMicros: 80_000n,
        estimatedCostMicros: 400_000n,
      },
    });
    const [a, b, c, d, e, w, old] = makeImeis(7, 42);
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
        // Written off by a person: it may have been charged, so it is never dropped from the figures.
        { ...base, imei: w!, line: 6, state: "failed", errorKind: "written_off", finishedAt: day2 },
        {
          ...base,
          imei: old!,
          line: 7,
          state: "failed",
          errorKind: "written_off",
          finishedAt: new Date("2026-09-01T00:00:00Z"),
        },
      ],
    });
    const report = await getSpendReport(f.db, actingScopeOf(f.admin), {
      days: 30,
      now: new Date("2026-11-21T12:00:00Z"),
    });
    expect(report.total).toEqual({ orders: 3, spend: "0.24" });
    expect(report.uncertain).toEqual({ orders: 1, spend: "0.08" });
    expect(report.writtenOff).toEqual({ orders: 1, spend: "0.08" });
    expect(report.upTo).toEqual({ orders: 5, spend: "0.40" });
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
