/** The audit trail as the admin page reads it: targets by name and link, never an internal id. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/tokens";
import { createDraft } from "@/lib/batches/create-draft";
import { describeEachDb } from "@/lib/test/db";
import { createEngineFixture, makeImeis, type EngineFixture } from "@/lib/test/engine-fixtures";
import { listAuditEvents, recordAudit } from "./audit";
import { updateShopSettings } from "./settings";

describeEachDb("the audit trail's targets", (provider) => {
  let f: EngineFixture;
  beforeAll(async () => {
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f?.close();
  });

  it("names batches, users and settings, links what has a page, and says when a target is gone", async () => {
    const draft = await createDraft(f.db, f.operator, {
      serviceId: "1739",
      imeis: makeImeis(1, 4242),
      name: "Monday sheet",
    });
    await createApiToken(f.db, f.operator.id, { name: "script" });
    await updateShopSettings(f.db, f.admin, { operatorsSeeAllOrders: true });
    await recordAudit(f.db, {
      actorId: f.admin.id,
      action: "test.gone",
      targetType: "batch",
      targetId: "gone",
    });

    const events = await listAuditEvents(f.db);
    const target = (action: string) => events.find((e) => e.action === action)?.target;
    expect(target("batch.draft")).toEqual({ label: "batch Monday sheet", href: `/batches/${draft.id}` });
    expect(target("token.create")).toEqual({ label: f.operator.email });
    expect(target("settings.update")).toEqual({ label: "shop settings" });
    expect(target("test.gone")).toEqual({ label: "a deleted batch" });
    const labels = events.flatMap((e) => (e.target ? [e.target.label] : []));
    for (const id of [draft.id, f.operator.id, f.admin.id]) {
      expect(labels.join(" ")).not.toContain(id);
    }
  });
});
