import { it } from "vitest";
import { confirmBatch, createDraft } from "@/lib/batches/drafts";
import { makeImeis, waitFor } from "@/lib/test/engine-fixtures";
import { captureLogs, countInFlight, createQuickFixture } from "@/lib/test/order-invariants";
import { SubmissionWorker } from "@/lib/orders/worker";
import { markSubmitting } from "@/lib/orders/transitions";

it("perf", async () => {
  const logs = captureLogs();
  const f = await createQuickFixture("sqlite");
  let t = Date.now();
  const imeis = makeImeis(200, 5);
  for (let i = 0; i < 50; i++) await f.client.placeOrder({ serviceId: "1739", imei: imeis[i]! });
  console.log("50 sequential placeOrder", Date.now() - t);
  t = Date.now();
  for (let i = 0; i < 50; i++) await f.db.write((p) => p.$executeRaw`UPDATE "Service" SET "title" = "title" WHERE "id" = '1739'`);
  console.log("50 sequential raw writes", Date.now() - t);
  const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: imeis.slice(50) });
  await confirmBatch(f.db, f.operator, draft.id);
  t = Date.now();
  const worker = new SubmissionWorker({ db: f.db, upstream: f.client, concurrency: 8, idlePollMs: 10, firstCheckMs: () => 60_000 });
  worker.start();
  await waitFor(async () => (await countInFlight(f.db, [draft.id])) === 0, 30_000);
  console.log("150 via worker", Date.now() - t);
  await worker.stop();
  await f.close();
  logs.restore();
});
