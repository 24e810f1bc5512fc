/**
 * Confirm places at the price the operator agreed to, or not at all: a price changed upstream since the
 * draft was priced, or a service withdrawn, is refused (409) with the draft repriced, nothing queued and
 * nothing charged; confirming again places at the new price.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { appError, countOrderStates } from "@/lib/test/batch-helpers";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, insertUser, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import { refreshCatalogue } from "@/lib/services/catalogue";
import { confirmBatch } from "./confirm";
import { createDraft } from "./create-draft";

describeEachDb("confirming at the current price", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let seed = 900;
  const fresh = (n: number) => makeImeis(n, seed++);
  const catalogueCalls = () => f.sandbox.state.stats.calls.imeiservices ?? 0;
  const batchRow = (id: string) => f.db.prisma.batch.findUniqueOrThrow({ where: { id } });
  const orderPrices = async (id: string) => [
    ...new Set((await f.db.prisma.order.findMany({ where: { batchId: id } })).map((o) => o.priceMicros)),
  ];
  const confirmAudits = (id: string) =>
    f.db.prisma.auditEvent.count({ where: { action: "batch.confirm", targetId: id } });
  /** The catalogue as cached two minutes ago: the next confirm must ask the upstream. */
  const ageCatalogue = () =>
    f.db.write((p) => p.service.updateMany({ data: { refreshedAt: new Date(Date.now() - 120_000) } }));

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
  });
  afterEach(async () => {
    f.sandbox.state.reset();
    await refreshCatalogue(f.db, f.client);
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("a price raised since the draft is refused with the new price and total, then confirmed at it", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(5) });
    expect(draft.estimatedCost).toBe("0.40");
    f.sandbox.state.setCatalogueChanges({ prices: { "1739": "0.10" } });
    await ageCatalogue();
    const calls = catalogueCalls();

    const refused = await appError(confirmBatch(f.db, f.operator, draft.id, { upstream: f.client }));
    expect(refused.code).toBe("price_changed");
    expect(refused.status).toBe(409);
    expect(refused.message).toMatch(/changed from \$0\.08 to \$0\.10 per IMEI.*now costs \$0\.50/);
    expect(refused.details).toEqual({
      serviceId: "1739",
      previousUnitPrice: "0.08",
      unitPrice: "0.10",
      estimatedCost: "0.50",
      estimatedCostWithRepeats: "0.50",
    });
    expect(catalogueCalls()).toBe(calls + 1);
    // Still a draft, now holding the new price; nothing queued, nothing charged, no consent recorded.
    expect(await batchRow(draft.id)).toMatchObject({
      state: "draft",
      confirmedAt: null,
      unitPriceMicros: 100_000n,
      estimatedCostMicros: 500_000n,
    });
    expect(await countOrderStates(f.db, draft.id)).toEqual({ draft: 5 });
    expect(await orderPrices(draft.id)).toEqual([100_000n]);
    expect(await confirmAudits(draft.id)).toBe(0);

    // A client still showing the old price is refused again; one showing the new price places.
    expect(
      (await appError(confirmBatch(f.db, f.operator, draft.id, { upstream: f.client, unitPrice: "0.08" })))
        .code,
    ).toBe("price_changed");
    expect(await confirmBatch(f.db, f.operator, draft.id, { upstream: f.client, unitPrice: "0.10" })).toEqual(
      { alreadyConfirmed: false },
    );
    expect(await countOrderStates(f.db, draft.id)).toEqual({ queued: 5 });
    expect(await orderPrices(draft.id)).toEqual([100_000n]);
    expect(await batchRow(draft.id)).toMatchObject({ state: "queued", estimatedCostMicros: 500_000n });
    expect(f.sandbox.state.charges).toEqual([]);
  });

  it("a lowered price asks again too, and a confirm without a price then takes the draft's new one", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(2) });
    f.sandbox.state.setCatalogueChanges({ prices: { "1739": "0.05" } });
    await ageCatalogue();
    const refused = await appError(confirmBatch(f.db, f.operator, draft.id, { upstream: f.client }));
    expect(refused.details).toMatchObject({
      previousUnitPrice: "0.08",
      unitPrice: "0.05",
      estimatedCost: "0.10",
    });
    expect(await confirmBatch(f.db, f.operator, draft.id, { upstream: f.client })).toEqual({
      alreadyConfirmed: false,
    });
    expect(await orderPrices(draft.id)).toEqual([50_000n]);
  });

  it("a service the upstream withdrew is refused as service_retired, the draft left as it was", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1740", imeis: fresh(3) });
    f.sandbox.state.setCatalogueChanges({ retired: ["1740"] });
    await ageCatalogue();
    const refused = await appError(confirmBatch(f.db, f.operator, draft.id, { upstream: f.client }));
    expect(refused.code).toBe("service_retired");
    expect(refused.status).toBe(409);
    expect(refused.details).toMatchObject({ serviceId: "1740" });
    expect(await batchRow(draft.id)).toMatchObject({
      state: "draft",
      confirmedAt: null,
      unitPriceMicros: 20_000n,
    });
    expect(await countOrderStates(f.db, draft.id)).toEqual({ draft: 3 });
  });

  it("a catalogue checked within the last minute is not asked again; an unreachable upstream is a 503, nothing queued", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(2) });
    const calls = catalogueCalls();
    f.sandbox.state.setFaults({ rate503: 1 });
    await ageCatalogue();
    const down = await appError(confirmBatch(f.db, f.operator, draft.id, { upstream: f.client }));
    expect(down.code).toBe("upstream_unavailable");
    expect(down.message).toMatch(/current price could not be checked.*Nothing was placed/);
    expect(await countOrderStates(f.db, draft.id)).toEqual({ draft: 2 });

    f.sandbox.state.setFaults({});
    await refreshCatalogue(f.db, f.client);
    const fresh1 = catalogueCalls();
    expect(fresh1).toBeGreaterThan(calls);
    expect(await confirmBatch(f.db, f.operator, draft.id, { upstream: f.client })).toEqual({
      alreadyConfirmed: false,
    });
    expect(catalogueCalls()).toBe(fresh1);
  });

  it("another operator's draft is a 404 before the upstream is asked, even with the upstream down", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: fresh(2) });
    const other = await insertUser(f.db, "price-other@test.local", "operator");
    f.sandbox.state.setFaults({ rate503: 1 });
    await ageCatalogue();
    const calls = catalogueCalls();
    const refused = await appError(confirmBatch(f.db, other, draft.id, { upstream: f.client }));
    expect(refused.code).toBe("not_found");
    expect(catalogueCalls()).toBe(calls);
    expect(await countOrderStates(f.db, draft.id)).toEqual({ draft: 2 });
  });
});
