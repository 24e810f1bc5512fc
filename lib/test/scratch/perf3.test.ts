import { it } from "vitest";
import { startSandbox } from "@/lib/gsmfusion/sandbox/server";
import { postForm } from "@/lib/gsmfusion/transport";
import { parseXmlAnswer } from "@/lib/gsmfusion/xml";
import { makeImeis } from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";

it("perf3", async () => {
  const logs = captureLogs();
  const s = await startSandbox({ port: 0 });
  const imeis = makeImeis(200, 5);
  let t = Date.now();
  let body = "";
  for (let i = 0; i < 50; i++) {
    body = (await postForm({ endpoint: s.url + "/gsmfusion_api/index.php", action: "placeorder", timeoutMs: 5000, form: { apiKey: "SAND-BOX0-DEMO-KEY0-0001", userId: "sandbox", action: "placeorder", imei: imeis[i]!, networkId: "1739" } })).body;
  }
  console.log("50 postForm", Date.now() - t);
  t = Date.now();
  for (let i = 0; i < 50; i++) parseXmlAnswer(body, "placeorder");
  console.log("50 parse", Date.now() - t);
  t = Date.now();
  for (let i = 50; i < 100; i++) {
    const r = await fetch(s.url + "/gsmfusion_api/index.php", { method: "POST", headers: { accept: "application/xml, text/xml;q=0.9, */*;q=0.1" }, redirect: "manual", cache: "no-store", body: new URLSearchParams({ apiKey: "SAND-BOX0-DEMO-KEY0-0001", userId: "sandbox", action: "placeorder", imei: imeis[i]!, networkId: "1739" }) });
    await r.text();
  }
  console.log("50 fetch with options", Date.now() - t);
  t = Date.now();
  for (let i = 100; i < 150; i++) {
    const c = new AbortController();
    const r = await fetch(s.url + "/gsmfusion_api/index.php", { method: "POST", signal: c.signal, body: new URLSearchParams({ apiKey: "SAND-BOX0-DEMO-KEY0-0001", userId: "sandbox", action: "placeorder", imei: imeis[i]!, networkId: "1739" }) });
    await r.text();
  }
  console.log("50 fetch with signal", Date.now() - t);
  await s.close();
  logs.restore();
});
