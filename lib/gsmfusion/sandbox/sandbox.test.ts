import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GsmFusionClient } from "../client";
import { getJson, makeImei, postRaw } from "../test-helpers";
import { SANDBOX_DEFAULTS } from "./defaults";
import { type SandboxHandle, startSandbox } from "./server";

const DECLARATION = '<?phpxml version="1.0" encoding="utf-8"?>';
const auth = { userId: SANDBOX_DEFAULTS.username, apiKey: SANDBOX_DEFAULTS.apiKey };

let sandbox: SandboxHandle;
let counter = 0;
const nextImei = () => makeImei(500_000 + ++counter);

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, timing: { inProcessAfterMs: 0, finalAfterMs: 0 } });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.state.reset();
});

describe("protocol", () => {
  it("starts every answer with the phpxml declaration, HTTP 200 and application/xml, even errors", async () => {
    const answers = await Promise.all([
      postRaw(sandbox.url, { ...auth, action: "imeiservices" }),
      postRaw(sandbox.url, { ...auth, userId: "nobody", action: "imeiservices" }),
      postRaw(sandbox.url, { ...auth, apiKey: "WRONG", action: "imeiservices" }),
      postRaw(sandbox.url, { ...auth, action: "getbalance" }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.contentType).toMatch(/^application\/xml/);
      expect(answer.body.startsWith(DECLARATION)).toBe(true);
    }
    expect(answers.slice(1).map((a) => a.body.slice(DECLARATION.length))).toEqual([
      "<error>Invalid User!</error>",
      "<error>Invalid API Key!</error>",
      "<error>Invalid User!</error>",
    ]);
    const get = await fetch(`${sandbox.url}/gsmfusion_api/index.php`);
    expect(await get.text()).toBe(`${DECLARATION}<error>Invalid User!</error>`);
  });

  it("accepts multipart bodies like the vendor's PHP sample", async () => {
    const answer = await postRaw(sandbox.url, { ...auth, action: "imeiservices" }, "multipart");
    expect(answer.body).toContain("<PackageId>1739</PackageId>");
  });

  it("serves a catalogue of 30+ IMEI services with service 1739 as live, plus file and server services", async () => {
    const client = new GsmFusionClient({ baseUrl: sandbox.url, username: auth.userId, apiKey: auth.apiKey });
    const services = await client.listServices();
    expect(services.length).toBeGreaterThanOrEqual(30);
    expect(new Set(services.map((s) => s.category)).size).toBeGreaterThanOrEqual(5);
    const prices = services.map((s) => Number(s.price));
    expect(Math.min(...prices)).toBeLessThanOrEqual(0.08);
    expect(Math.max(...prices)).toBe(150);
    expect(services.find((s) => s.id === "1739")).toMatchObject({
      title:
        "10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI + WW + Activation Etc 🔥Hot Exclusive Checker🔥",
      price: "0.08",
      deliveryTime: "Instant-5 Minutes",
    });
    const raw = await postRaw(sandbox.url, { ...auth, action: "imeiservices" });
    expect(raw.body).toContain("&lt;script&gt;");
    expect((await client.listServices("file")).length).toBe(3);
    expect((await client.listServices("server")).length).toBe(3);
  });
});

describe("placeorder", () => {
  const place = (imei: string, networkId = "1739") =>
    postRaw(sandbox.url, { ...auth, action: "placeorder", networkId, imei });

  it("answers the live shape with an 8-digit increasing id and charges once", async () => {
    const a = await place(nextImei());
    const b = await place(nextImei());
    const idOf = (body: string) => Number(/<id>(\d+)<\/id>/.exec(body)?.[1]);
    expect(a.body).toMatch(
      /^<\?phpxml[^>]*\?><result><imeis><id>\d{8}<\/id><imei>\d{15}<\/imei><status>Pending<\/status><\/imeis><\/result>$/,
    );
    // Other customers' orders may take ids between ours (at most 3 between two quick placements).
    expect(idOf(b.body)).toBeGreaterThan(idOf(a.body));
    expect(idOf(b.body) - idOf(a.body)).toBeLessThanOrEqual(4);
    const charges = await getJson<{ charges: unknown[]; total: string }>(`${sandbox.url}/__sandbox/charges`);
    expect(charges.charges).toHaveLength(2);
    expect(charges.total).toBe("0.16");
  });

  it("requires 15 digits and a known service; accepts Luhn-invalid IMEIs and rejects them later", async () => {
    expect((await place("12345678901234")).body).toContain("<error>Invalid IMEI!");
    expect((await place(nextImei(), "999999")).body).toContain(
      "<error>Invalid Service or Service is not available!</error>",
    );
    expect((await place(nextImei(), "501")).body).toContain("<error>"); // a file service is not an IMEI service
    expect(sandbox.state.charges).toHaveLength(0);
    const accepted = await place("123456789012345");
    expect(accepted.body).toContain("<status>Pending</status>");
    const [order] = sandbox.state.listOrders();
    expect(order).toMatchObject({ imei: "123456789012345", status: "Rejected", code: "Invalid_IMEI" });
  });

  it("refuses a repeated IMEI on the same service without charging", async () => {
    const imei = nextImei();
    await place(imei);
    expect((await place(imei)).body).toBe(`${DECLARATION}<error>IMEI already exists!</error>`);
    expect(sandbox.state.charges).toHaveLength(1);
  });

  it("places and charges only the LAST IMEI of a comma list (last_only, as live)", async () => {
    const imeis = [nextImei(), nextImei(), nextImei()];
    const answer = await place(imeis.join(","));
    expect(answer.body.match(/<imeis>/g)).toHaveLength(1);
    expect(answer.body).toContain(`<imei>${imeis[2]}</imei>`);
    expect(sandbox.state.charges.map((c) => c.imei)).toEqual([imeis[2]]);
  });

  it("places every IMEI and lists duplicates in guide mode", async () => {
    const guide = await startSandbox({ port: 0, multiImeiMode: "guide" });
    try {
      const [a = "", b = "", c = ""] = [nextImei(), nextImei(), nextImei()];
      await postRaw(guide.url, { ...auth, action: "placeorder", networkId: "1739", imei: a });
      const answer = await postRaw(guide.url, {
        ...auth,
        action: "placeorder",
        networkId: "1739",
        imei: [a, b, c, "42"].join(","),
      });
      expect(answer.body.match(/<imeis>/g)).toHaveLength(2);
      expect(answer.body).toContain(`<imeiduplicates><imei>${a}</imei></imeiduplicates>`);
      expect(answer.body).toContain("<imeierrors><imei>42</imei><error>Invalid IMEI!</error></imeierrors>");
      expect(guide.state.charges.map((x) => x.imei)).toEqual([a, b, c]);
    } finally {
      await guide.close();
    }
  });
});

describe("other customers", () => {
  it("take ids between ours, from a seeded PRNG, and getimeis never shows them", async () => {
    const place = (imei: string) =>
      postRaw(sandbox.url, { ...auth, action: "placeorder", networkId: "1739", imei });
    const ids: number[] = [];
    for (let i = 0; i < 40; i += 1)
      ids.push(Number(/<id>(\d+)<\/id>/.exec((await place(nextImei())).body)?.[1]));
    const gaps = ids.slice(1).map((id, i) => id - ids[i]! - 1);
    expect(Math.max(...gaps)).toBeGreaterThan(0);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
    const all = Array.from({ length: ids.at(-1)! - ids[0]! + 1 }, (_, i) => String(ids[0]! + i));
    const client = new GsmFusionClient({ baseUrl: sandbox.url, username: auth.userId, apiKey: auth.apiKey });
    const answered = (await client.getOrders(all)).map((o) => Number(o.upstreamOrderId));
    expect(answered.sort((a, b) => a - b)).toEqual(ids);
  });

  it("keep arriving while we are idle", async () => {
    const idle = await startSandbox({ port: 0, foreignOrders: { maxBetween: 0, everyMs: 20, maxIdle: 20 } });
    try {
      const service = idle.state.findService("1739")!;
      const first = Number(idle.state.placeOrder(service, makeImei(31)).id);
      expect(Number(idle.state.placeOrder(service, makeImei(32)).id)).toBe(first + 1);
      await new Promise((r) => setTimeout(r, 100));
      expect(Number(idle.state.placeOrder(service, makeImei(33)).id)).toBeGreaterThan(first + 3);
    } finally {
      await idle.close();
    }
  });

  it("partialGetimeis leaves known orders out of multi-id answers, never out of a single-id one", async () => {
    const service = sandbox.state.findService("1739")!;
    const orders = Array.from({ length: 10 }, (_, i) => sandbox.state.placeOrder(service, makeImei(700 + i)));
    sandbox.state.setFaults({ partialGetimeis: 1 });
    const client = new GsmFusionClient({ baseUrl: sandbox.url, username: auth.userId, apiKey: auth.apiKey });
    const many = await client.getOrders(orders.map((o) => o.id));
    expect(many.length).toBeGreaterThan(0);
    expect(many.length).toBeLessThan(orders.length);
    for (const order of orders) expect(await client.getOrders([order.id])).toHaveLength(1);
  });
});

describe("getimeis", () => {
  it("answers known ids with the live fields, escaped <br> codes, and leaves unknown ids out", async () => {
    const service = sandbox.state.findService("1739");
    if (!service) throw new Error("missing 1739");
    const order = sandbox.state.placeOrder(service, makeImei(1));
    const answer = await postRaw(sandbox.url, {
      ...auth,
      action: "getimeis",
      orderIds: `${order.id},99999999`,
    });
    expect(answer.body).toContain(`<id>${order.id}</id>`);
    expect(answer.body).not.toContain("99999999");
    expect(answer.body).toMatch(/<status>(Completed|Rejected)<\/status>/);
    expect(answer.body).toMatch(/<requestedat>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/requestedat>/);
    if (answer.body.includes("Completed")) expect(answer.body).toContain("&lt;br&gt;IMEI Number: ");
  });

  it("moves statuses Pending → In Process → final over time", async () => {
    const timed = await startSandbox({ port: 0, timing: { inProcessAfterMs: 60, finalAfterMs: 120 } });
    try {
      const service = timed.state.findService("1739");
      if (!service) throw new Error("missing 1739");
      const order = timed.state.placeOrder(service, makeImei(2));
      expect(timed.state.statusOf(order, order.placedAtMs)).toBe("Pending");
      expect(timed.state.statusOf(order, order.placedAtMs + 60)).toBe("In Process");
      expect(["Completed", "Rejected"]).toContain(timed.state.statusOf(order, order.placedAtMs + 120));
    } finally {
      await timed.close();
    }
  });

  it("decides outcomes from the seed and the IMEI, so runs repeat", async () => {
    const again = await startSandbox({ port: 0, timing: { inProcessAfterMs: 0, finalAfterMs: 0 } });
    try {
      const imeis = Array.from({ length: 40 }, (_, i) => makeImei(900 + i));
      const codes = (handle: SandboxHandle) => {
        const service = handle.state.findService("1810");
        if (!service) throw new Error("missing 1810");
        return imeis.map((imei) => handle.state.placeOrder(service, imei).outcome);
      };
      const first = codes(sandbox);
      expect(codes(again)).toEqual(first);
      expect(first.filter((o) => o.status === "completed").length).toBeGreaterThan(30);
    } finally {
      await again.close();
    }
  });
});

describe("control API", () => {
  it("reports charges, orders and stats; resets; replaces faults", async () => {
    await postRaw(sandbox.url, { ...auth, action: "placeorder", networkId: "2103", imei: nextImei() });
    const charges = await getJson<{ charges: Array<{ price: string }>; total: string }>(
      `${sandbox.url}/__sandbox/charges`,
    );
    expect(charges).toMatchObject({ charges: [{ price: "110.00" }], total: "110.00" });
    const orders = await getJson<{ orders: Array<{ serviceId: string }> }>(`${sandbox.url}/__sandbox/orders`);
    expect(orders.orders).toMatchObject([{ serviceId: "2103" }]);
    const stats = await getJson<{ calls: Record<string, number>; maxInFlight: number; inFlight: number }>(
      `${sandbox.url}/__sandbox/stats`,
    );
    expect(stats).toEqual({ calls: { placeorder: 1 }, maxInFlight: 1, inFlight: 0 });

    const set = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ rate503: 1, latencyMs: { read: 1 } }),
    });
    expect(set.status).toBe(200);
    expect((await postRaw(sandbox.url, { ...auth, action: "imeiservices" })).status).toBe(503);
    const bad = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ rate503: 2 }),
    });
    expect(bad.status).toBe(422);

    expect((await fetch(`${sandbox.url}/__sandbox/reset`, { method: "POST" })).status).toBe(200);
    expect(sandbox.state.charges).toEqual([]);
    expect(sandbox.state.faults).toEqual({});
    expect((await postRaw(sandbox.url, { ...auth, action: "imeiservices" })).status).toBe(200);
    expect((await fetch(`${sandbox.url}/__sandbox/nothing`)).status).toBe(404);
  });

  it("changes a price and retires a service: listings and new orders follow, reset restores them", async () => {
    const change = await fetch(`${sandbox.url}/__sandbox/catalogue`, {
      method: "POST",
      body: JSON.stringify({ prices: { "1739": "0.10" }, retired: ["1740"] }),
    });
    expect(change.status).toBe(200);
    const listing = (await postRaw(sandbox.url, { ...auth, action: "imeiservices" })).body;
    expect(listing).toContain("<PackageId>1739</PackageId><Category>IMEI Checking</Category>");
    expect(listing).toMatch(/<PackageId>1739<\/PackageId>.*?<PackagePrice>0\.10<\/PackagePrice>/);
    expect(listing).not.toContain("<PackageId>1740</PackageId>");
    await postRaw(sandbox.url, { ...auth, action: "placeorder", networkId: "1739", imei: nextImei() });
    expect(sandbox.state.charges).toMatchObject([{ price: "0.10" }]);
    const retired = await postRaw(sandbox.url, {
      ...auth,
      action: "placeorder",
      networkId: "1740",
      imei: nextImei(),
    });
    expect(retired.body).toContain("<error>Invalid Service or Service is not available!</error>");
    expect(await getJson(`${sandbox.url}/__sandbox/catalogue`)).toEqual({
      changes: { prices: { "1739": "0.10" }, retired: ["1740"] },
    });
    const bad = await fetch(`${sandbox.url}/__sandbox/catalogue`, {
      method: "POST",
      body: JSON.stringify({ prices: { "1739": "ten cents" } }),
    });
    expect(bad.status).toBe(422);
    sandbox.state.reset();
    expect((await postRaw(sandbox.url, { ...auth, action: "imeiservices" })).body).toContain(
      "<PackageId>1740</PackageId>",
    );
  });

  it("pads an answer to oversizeAnswerBytes with the oversizeAnswer fault", async () => {
    sandbox.state.setFaults({ oversizeAnswer: 1, oversizeAnswerBytes: 2_000_000 });
    const answer = await postRaw(sandbox.url, { ...auth, action: "getimeis", orderIds: "1" });
    expect(answer.body.length).toBeGreaterThanOrEqual(2_000_000);
    expect(answer.body.startsWith(`${DECLARATION}<result></result><!--`)).toBe(true);
  });
});
