import { it } from "vitest";
import { startSandbox } from "@/lib/gsmfusion/sandbox/server";
import { makeImeis } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";

it("perf2", async () => {
  const logs = captureLogs();
  const s = await startSandbox({ port: 0 });
  const imeis = makeImeis(200, 5);
  let t = Date.now();
  for (let i = 0; i < 50; i++) {
    const r = await fetch(s.url + "/gsmfusion_api/index.php", { method: "POST", body: new URLSearchParams({ apiKey: "SAND-BOX0-DEMO-KEY0-0001", userId: "sandbox", action: "placeorder", imei: imeis[i]!, networkId: "1739" }) });
    await r.text();
  }
  console.log("50 raw fetch", Date.now() - t);
  t = Date.now();
  for (let i = 0; i < 50; i++) {
    const r = await fetch(s.url + "/gsmfusion_api/index.php", { method: "POST", body: new URLSearchParams({ apiKey: "SAND-BOX0-DEMO-KEY0-0001", userId: "sandbox", action: "getimeis", orderIds: "1" }) });
    await r.text();
  }
  console.log("50 raw getimeis", Date.now() - t);
  t = Date.now();
  for (let i = 0; i < 50; i++) {
    const r = await fetch(s.url + "/nothing", { method: "POST", body: "x" });
    await r.text();
  }
  console.log("50 raw 404", Date.now() - t);
  await s.close();
  logs.restore();
});
