import { it } from "vitest";
import { startSandbox } from "@/lib/gsmfusion/sandbox/server";
import { GsmFusionClient } from "@/lib/gsmfusion";
import { makeImeis } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";

it("perf4", async () => {
  const logs = captureLogs();
  const s = await startSandbox({ port: 0 });
  const c = new GsmFusionClient({ baseUrl: s.url, username: "sandbox", apiKey: "SAND-BOX0-DEMO-KEY0-0001" });
  const imeis = makeImeis(400, 5);
  for (let round = 0; round < 3; round++) {
    const t = Date.now();
    for (let i = 0; i < 50; i++) await c.placeOrder({ serviceId: "1739", imei: imeis[round * 50 + i]! });
    console.log("50 client.placeOrder", Date.now() - t);
  }
  const t = Date.now();
  await Promise.all(imeis.slice(200, 400).map((imei) => c.placeOrder({ serviceId: "1739", imei })));
  console.log("200 parallel", Date.now() - t);
  await s.close();
  logs.restore();
});
