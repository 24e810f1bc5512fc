import { afterAll, beforeAll, expect, it } from "vitest";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import { renderMetrics } from "./metrics";

describeEachDb("metrics", (provider) => {
  let f: EngineFixture;
  beforeAll(async () => {
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f.close();
  });

  it("renders orders and batches by state from the database in Prometheus text", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(3, 9) });
    await confirmBatch(f.db, f.operator, draft.id);
    const text = await renderMetrics(f.db, f.client.getHealth());
    expect(text).toContain("# TYPE imei_desk_orders gauge");
    expect(text).toContain('imei_desk_orders{state="queued"} 3');
    expect(text).toContain('imei_desk_batches{state="queued"} 1');
    expect(text).toContain("imei_desk_spend_usd_total 0.00");
    expect(text).toContain("imei_desk_upstream_circuit_open 0");
    for (const line of text.trim().split("\n"))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="\w+"\})? [\d.]+)$/);
  });
});
