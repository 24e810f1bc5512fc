import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setLogLevel, setLogSink } from "@/lib/log";
import { GsmFusionClient, type GsmFusionConfig, resolveEndpoint } from "./client";
import { InvalidUpstreamInputError, UpstreamError, isUpstreamError } from "./errors";
import { parseResultCode } from "./result-parser";
import { createPrng } from "./sandbox/prng";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "./sandbox/server";
import { makeImei } from "./test-helpers";

// Deliberately NOT shaped like XXXX-XXXX-XXXX-XXXX-XXXX, so only registerSecret() can redact it.
const SECRET_KEY = "never-log-this-k3y-7f3a9c";
const USERNAME = "desk-tests";

let sandbox: SandboxHandle;
let imeiCounter = 0;
const nextImei = () => makeImei(++imeiCounter);

async function startTestSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  return startSandbox({
    port: 0,
    username: USERNAME,
    apiKey: SECRET_KEY,
    timing: { inProcessAfterMs: 0, finalAfterMs: 0 },
    ...options,
  });
}

function createClient(overrides: Partial<GsmFusionConfig> = {}): GsmFusionClient {
  return new GsmFusionClient({
    baseUrl: sandbox.url,
    username: USERNAME,
    apiKey: SECRET_KEY,
    readTimeoutMs: 2_000,
    placeOrderTimeoutMs: 2_000,
    retryBaseDelayMs: 5,
    ...overrides,
  });
}

/** Runs a call that must fail and returns its UpstreamError. */
async function failure(call: Promise<unknown>): Promise<UpstreamError> {
  try {
    await call;
  } catch (err) {
    if (isUpstreamError(err)) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A seed whose fault PRNG answers `true` for the first draw at probability p and `false` for the second. */
function seedFailingFirstOnly(p: number): number {
  for (let seed = 1; seed < 10_000; seed++) {
    const draw = createPrng(seed);
    if (draw() < p && draw() >= p) return seed;
  }
  throw new Error("no seed found");
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.state.reset();
});

describe("configuration", () => {
  it("refuses an http:// base URL unless it is loopback, without echoing the key", () => {
    const make = (baseUrl: string) => () =>
      new GsmFusionClient({ baseUrl, username: "u", apiKey: SECRET_KEY });
    expect(make("http://hammerfusion.example")).toThrow(/https/);
    try {
      make("http://hammerfusion.example")();
    } catch (err) {
      expect(String((err as Error).message)).not.toContain(SECRET_KEY);
    }
    expect(make("ftp://x.example")).toThrow(/https/);
    expect(make("not a url")).toThrow(/valid URL/);
    for (const ok of [
      "http://127.0.0.1:4010",
      "http://localhost:4010/",
      "http://[::1]:4010",
      "https://shop.example/",
    ]) {
      expect(make(ok)).not.toThrow();
    }
  });

  it("appends the endpoint path once", () => {
    expect(resolveEndpoint("https://shop.example")).toBe("https://shop.example/gsmfusion_api/index.php");
    expect(resolveEndpoint("https://shop.example/sub/")).toBe(
      "https://shop.example/sub/gsmfusion_api/index.php",
    );
    expect(resolveEndpoint("https://shop.example/gsmfusion_api/index.php")).toBe(
      "https://shop.example/gsmfusion_api/index.php",
    );
  });
});

describe("happy path over HTTP", () => {
  it("lists the catalogue of each kind, sanitising MustRead", async () => {
    const client = createClient();
    const services = await client.listServices();
    expect(services.length).toBeGreaterThanOrEqual(30);
    expect(services.find((s) => s.id === "1739")).toMatchObject({
      title:
        "10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI + WW + Activation Etc 🔥Hot Exclusive Checker🔥",
      price: "0.08",
      deliveryTime: "Instant-5 Minutes",
      category: "IMEI Checking",
      kind: "imei",
    });
    expect(services.every((s) => /^\d+\.\d{2}$/.test(s.price))).toBe(true);
    expect(services.map((s) => s.mustReadHtml).join("")).not.toMatch(/<script|onerror|onclick/);
    expect((await client.listServices("file")).every((s) => s.kind === "file")).toBe(true);
    expect((await client.listServices("server")).length).toBeGreaterThan(0);
    const health = client.getHealth();
    expect(health.state).toBe("closed");
    expect(health.lastSuccessAt).not.toBeNull();
    expect(health.latencyMs).toEqual(expect.any(Number));
    expect(health.inFlight).toBe(0);
  });

  it("places one order, charged once, and reads its result back", async () => {
    const client = createClient();
    const imei = nextImei();
    const placed = await client.placeOrder({ serviceId: "1739", imei });
    expect(placed).toEqual({ upstreamOrderId: expect.stringMatching(/^\d{8}$/), imei, status: "pending" });
    expect(sandbox.state.charges).toMatchObject([
      { orderId: placed.upstreamOrderId, imei, serviceId: "1739", price: "0.08" },
    ]);
    const [order] = await client.getOrders([placed.upstreamOrderId]);
    expect(order).toMatchObject({
      upstreamOrderId: placed.upstreamOrderId,
      imei,
      requestedAt: expect.any(String),
    });
    expect(order?.packageTitle).toContain("10-7.1#");
    expect(["completed", "rejected"]).toContain(order?.status);
    if (order?.status === "completed") expect(parseResultCode(order.code ?? "").imei).toBe(imei);
  });

  it("refuses a malformed IMEI, a comma list or a bad order id before any call", async () => {
    const client = createClient();
    await expect(client.placeOrder({ serviceId: "1739", imei: "353979106673568" })).rejects.toBeInstanceOf(
      InvalidUpstreamInputError,
    );
    await expect(
      client.placeOrder({ serviceId: "1739", imei: `${nextImei()},${nextImei()}` }),
    ).rejects.toBeInstanceOf(InvalidUpstreamInputError);
    await expect(client.getOrders(["123,456"])).rejects.toBeInstanceOf(InvalidUpstreamInputError);
    expect(sandbox.state.stats.calls).toEqual({});
  });
});

describe("refusals", () => {
  it("a repeated IMEI is refused as duplicate and not charged twice", async () => {
    const client = createClient();
    const imei = nextImei();
    await client.placeOrder({ serviceId: "1739", imei });
    const err = await failure(client.placeOrder({ serviceId: "1739", imei }));
    expect(err).toMatchObject({
      kind: "refused",
      code: "duplicate",
      upstreamMessage: "IMEI already exists!",
    });
    expect(sandbox.state.charges).toHaveLength(1);
    // The same IMEI on another service is a different order.
    await client.placeOrder({ serviceId: "1901", imei });
    expect(sandbox.state.charges).toHaveLength(2);
  });

  it("bad credentials are refused as auth, and refusals never open the circuit", async () => {
    const badKey = createClient({ apiKey: "wrong-key-123", breaker: { consecutiveFailures: 2 } });
    for (let i = 0; i < 4; i++) {
      expect(await failure(badKey.listServices())).toMatchObject({
        kind: "refused",
        code: "auth",
        upstreamMessage: "Invalid API Key!",
      });
    }
    expect(badKey.getHealth().state).toBe("closed");
    const badUser = createClient({ username: "nobody" });
    expect(await failure(badUser.placeOrder({ serviceId: "1739", imei: nextImei() }))).toMatchObject({
      kind: "refused",
      code: "auth",
      upstreamMessage: "Invalid User!",
    });
    // Refusals are not retried either.
    expect(sandbox.state.stats.calls).toEqual({ imeiservices: 4, placeorder: 1 });
    expect(sandbox.state.charges).toHaveLength(0);
  });

  it("an unknown service is refused with the upstream's message verbatim", async () => {
    const err = await failure(createClient().placeOrder({ serviceId: "424242", imei: nextImei() }));
    expect(err).toMatchObject({ kind: "refused", code: "upstream_error" });
    expect(err.upstreamMessage).toMatch(/Service is not available/);
  });
});

describe("failure classes", () => {
  it("429 with Retry-After is not_processed/rate_limited with retryAfterMs, not charged", async () => {
    sandbox.state.setFaults({ rate429: 1, retryAfterSeconds: 7 });
    const err = await failure(createClient().placeOrder({ serviceId: "1739", imei: nextImei() }));
    expect(err).toMatchObject({
      kind: "not_processed",
      code: "rate_limited",
      httpStatus: 429,
      retryAfterMs: 7_000,
    });
    expect(sandbox.state.charges).toHaveLength(0);
  });

  it("503 is not_processed/unavailable, not charged", async () => {
    sandbox.state.setFaults({ rate503: 1 });
    const err = await failure(createClient().placeOrder({ serviceId: "1739", imei: nextImei() }));
    expect(err).toMatchObject({ kind: "not_processed", code: "unavailable", httpStatus: 503 });
    expect(sandbox.state.charges).toHaveLength(0);
  });

  it("a closed port is not_processed/connection_refused", async () => {
    const client = createClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, readRetries: 0 });
    expect(await failure(client.placeOrder({ serviceId: "1739", imei: nextImei() }))).toMatchObject({
      kind: "not_processed",
      code: "connection_refused",
    });
  });

  it("a host that does not resolve is not_processed/dns", async () => {
    const client = createClient({ baseUrl: "https://gsmfusion-sandbox.invalid", readRetries: 0 });
    expect(await failure(client.listServices())).toMatchObject({ kind: "not_processed", code: "dns" });
  });

  it("a timeout after the charge is unknown_outcome/timeout, and the sandbox shows the charge", async () => {
    sandbox.state.setFaults({ rateDelayAfterCharge: 1, delayAfterChargeMs: 1_000 });
    const client = createClient({ placeOrderTimeoutMs: 150 });
    const imei = nextImei();
    expect(await failure(client.placeOrder({ serviceId: "1739", imei }))).toMatchObject({
      kind: "unknown_outcome",
      code: "timeout",
    });
    expect(sandbox.state.charges).toMatchObject([{ imei }]);
  });

  it("a dropped connection after the charge is unknown_outcome/reset", async () => {
    sandbox.state.setFaults({ dropAfterCharge: 1 });
    const imei = nextImei();
    expect(await failure(createClient().placeOrder({ serviceId: "1739", imei }))).toMatchObject({
      kind: "unknown_outcome",
      code: "reset",
    });
    expect(sandbox.state.charges).toMatchObject([{ imei }]);
  });

  it("a truncated answer after the charge is unknown_outcome/unreadable", async () => {
    sandbox.state.setFaults({ truncateAfterCharge: 1 });
    const imei = nextImei();
    expect(await failure(createClient().placeOrder({ serviceId: "1739", imei }))).toMatchObject({
      kind: "unknown_outcome",
      code: "unreadable",
    });
    expect(sandbox.state.charges).toMatchObject([{ imei }]);
  });

  it("a 502 after the charge is unknown_outcome/bad_gateway", async () => {
    sandbox.state.setFaults({ rate502AfterCharge: 1 });
    const imei = nextImei();
    expect(await failure(createClient().placeOrder({ serviceId: "1739", imei }))).toMatchObject({
      kind: "unknown_outcome",
      code: "bad_gateway",
      httpStatus: 502,
    });
    expect(sandbox.state.charges).toMatchObject([{ imei }]);
  });

  it("a redirect is never followed: not_processed/upstream_error", async () => {
    const redirector = createServer((_req, res) => {
      res.writeHead(301, { location: "https://shop.example/gsmfusion_api/index.php" });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const client = createClient({ baseUrl: `http://127.0.0.1:${port}` });
      expect(await failure(client.placeOrder({ serviceId: "1739", imei: nextImei() }))).toMatchObject({
        kind: "not_processed",
        code: "upstream_error",
        httpStatus: 301,
        upstreamMessage: "redirect to https://shop.example/gsmfusion_api/index.php",
      });
    } finally {
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });

  it("an oversized answer after the charge is unknown_outcome/too_large, read no further than the cap", async () => {
    sandbox.state.setFaults({ oversizeAnswer: 1, oversizeAnswerBytes: 64 * 1024 * 1024 });
    const imei = nextImei();
    const started = performance.now();
    expect(
      await failure(createClient({ maxAnswerBytes: 64 * 1024 }).placeOrder({ serviceId: "1739", imei })),
    ).toMatchObject({ kind: "unknown_outcome", code: "too_large" });
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(sandbox.state.charges).toMatchObject([{ imei }]);
  });

  it("an oversized read is a failed read, not retried; the default cap is 4 MiB", async () => {
    sandbox.state.setFaults({ oversizeAnswer: 1, oversizeAnswerBytes: 5 * 1024 * 1024 });
    expect(await failure(createClient({ readRetries: 3 }).listServices())).toMatchObject({
      kind: "unknown_outcome",
      code: "too_large",
    });
    expect(sandbox.state.stats.calls).toEqual({ imeiservices: 1 });
    sandbox.state.setFaults({ oversizeAnswer: 1, oversizeAnswerBytes: 3 * 1024 * 1024 });
    expect((await createClient().listServices()).length).toBeGreaterThanOrEqual(30);
  });

  it("placeOrder never retries, whatever the failure", async () => {
    const client = createClient({ readRetries: 5 });
    for (const faults of [{ rate503: 1 }, { rate502AfterCharge: 1 }, { rate429: 1, retryAfterSeconds: 0 }]) {
      sandbox.state.reset();
      sandbox.state.setFaults(faults);
      await failure(client.placeOrder({ serviceId: "1739", imei: nextImei() }));
      expect(sandbox.state.stats.calls).toEqual({ placeorder: 1 });
    }
  });
});

describe("read calls", () => {
  it("retry a transient 503 and recover", async () => {
    sandbox.state.setFaults({ rate503: 0.5, seed: seedFailingFirstOnly(0.5) });
    const services = await createClient({ readRetries: 2 }).listServices();
    expect(services.length).toBeGreaterThanOrEqual(30);
    expect(sandbox.state.stats.calls).toEqual({ imeiservices: 2 });
  });

  it("give up after readRetries extra attempts", async () => {
    sandbox.state.setFaults({ rate503: 1 });
    expect(await failure(createClient({ readRetries: 2 }).listServices())).toMatchObject({
      code: "unavailable",
    });
    expect(sandbox.state.stats.calls).toEqual({ imeiservices: 3 });
  });

  it("getOrders asks for at most 100 ids a call, and unknown ids are simply absent", async () => {
    const service = sandbox.state.findService("1739");
    if (!service) throw new Error("service 1739 missing");
    const ids = Array.from({ length: 250 }, () => sandbox.state.placeOrder(service, nextImei()).id);
    const orders = await createClient().getOrders([...ids, "99999999", ids[0] ?? ""]);
    expect(orders).toHaveLength(250);
    expect(new Set(orders.map((o) => o.upstreamOrderId))).toEqual(new Set(ids));
    expect(sandbox.state.stats.calls).toEqual({ getimeis: 3 });
    expect(await createClient().getOrders([])).toEqual([]);
  });

  it("read statuses as words (live) and as the guide's numbers", async () => {
    const cases: Array<[SandboxOptions, string]> = [
      [{ timing: { inProcessAfterMs: 60_000, finalAfterMs: 120_000 } }, "pending"],
      [{ timing: { inProcessAfterMs: 0, finalAfterMs: 120_000 } }, "in_process"],
      [{ timing: { inProcessAfterMs: 60_000, finalAfterMs: 120_000 }, statusStyle: "numbers" }, "pending"],
      [{ timing: { inProcessAfterMs: 0, finalAfterMs: 120_000 }, statusStyle: "numbers" }, "in_process"],
      [{ timing: { inProcessAfterMs: 0, finalAfterMs: 0 }, statusStyle: "numbers" }, "final"],
    ];
    for (const [options, expected] of cases) {
      const other = await startTestSandbox(options);
      try {
        const client = createClient({ baseUrl: other.url });
        const placed = await client.placeOrder({ serviceId: "1739", imei: nextImei() });
        const badLuhn = "123456789012345";
        const service = other.state.findService("1739");
        if (!service) throw new Error("service 1739 missing");
        const rejected = other.state.placeOrder(service, badLuhn);
        const orders = await client.getOrders([placed.upstreamOrderId, rejected.id]);
        const statuses = orders.map((o) => o.status);
        if (expected === "final") {
          expect(["completed", "rejected"]).toContain(statuses[0]);
          expect(orders[1]).toMatchObject({ status: "rejected", code: "Invalid_IMEI" });
        } else {
          expect(statuses).toEqual([expected, expected]);
        }
      } finally {
        await other.close();
      }
    }
  });
});

describe("circuit breaker and concurrency", () => {
  it("opens after consecutive transport failures, fails fast, and closes after halfOpenAfterMs", async () => {
    sandbox.state.setFaults({ rate503: 1 });
    const client = createClient({
      readRetries: 0,
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 300 },
    });
    for (let i = 0; i < 3; i++)
      expect(await failure(client.listServices())).toMatchObject({ code: "unavailable" });
    expect(client.getHealth().state).toBe("open");
    expect(await failure(client.listServices())).toMatchObject({
      kind: "not_processed",
      code: "circuit_open",
    });
    expect(await failure(client.placeOrder({ serviceId: "1739", imei: nextImei() }))).toMatchObject({
      code: "circuit_open",
    });
    expect(sandbox.state.stats.calls).toEqual({ imeiservices: 3 });

    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(client.getHealth().state).toBe("half_open");
    // A failed probe opens it again.
    expect(await failure(client.listServices())).toMatchObject({ code: "unavailable" });
    expect(client.getHealth().state).toBe("open");

    sandbox.state.setFaults({});
    await new Promise((resolve) => setTimeout(resolve, 350));
    await client.listServices();
    expect(client.getHealth().state).toBe("closed");
    expect(sandbox.state.stats.calls).toEqual({ imeiservices: 5 });
  });

  it("unknown outcomes count as failures too", async () => {
    sandbox.state.setFaults({ rate502AfterCharge: 1 });
    const client = createClient({ breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    await failure(client.placeOrder({ serviceId: "1739", imei: nextImei() }));
    await failure(client.placeOrder({ serviceId: "1739", imei: nextImei() }));
    expect(client.getHealth().state).toBe("open");
  });

  it("never has more than maxConcurrent calls in flight", async () => {
    sandbox.state.setFaults({ latencyMs: { read: 40, placeorder: 40 } });
    const client = createClient({ maxConcurrent: 3 });
    const seen: number[] = [];
    const calls = [
      ...Array.from({ length: 8 }, () => client.listServices()),
      ...Array.from({ length: 8 }, () => client.placeOrder({ serviceId: "1739", imei: nextImei() })),
    ];
    const sampler = setInterval(() => seen.push(client.getHealth().inFlight), 5);
    await Promise.all(calls);
    clearInterval(sampler);
    expect(sandbox.state.stats.maxInFlight).toBe(3);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    expect(client.getHealth().inFlight).toBe(0);
  });

  it("the sandbox's own limit answers 429 above it", async () => {
    sandbox.state.setFaults({ latencyMs: { read: 40 }, maxConcurrent: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => createClient({ readRetries: 0 }).listServices()),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(rejected.length).toBeGreaterThan(0);
    for (const r of rejected) expect(r.reason).toMatchObject({ kind: "not_processed", code: "rate_limited" });
  });
});

describe("secrets", () => {
  let lines: string[] = [];
  let restoreSink: () => void = () => undefined;
  beforeEach(() => {
    lines = [];
    setLogLevel("debug");
    restoreSink = setLogSink((_level, line) => lines.push(line));
  });
  afterEach(() => {
    restoreSink();
    setLogLevel("info");
  });

  it("the API key never reaches a log line, an error message, a stack or a cause", async () => {
    const errors: unknown[] = [];
    const attempt = async (call: Promise<unknown>) => {
      try {
        await call;
      } catch (err) {
        errors.push(err);
      }
    };
    const client = createClient({ readRetries: 1, placeOrderTimeoutMs: 150 });
    const imei = nextImei();
    await attempt(client.placeOrder({ serviceId: "1739", imei }));
    await attempt(client.placeOrder({ serviceId: "1739", imei }));
    await attempt(client.getOrders(["15556534"]));
    for (const faults of [
      { rate429: 1, retryAfterSeconds: 0 },
      { rate503: 1 },
      { dropAfterCharge: 1 },
      { truncateAfterCharge: 1 },
      { rate502AfterCharge: 1 },
      { rateDelayAfterCharge: 1, delayAfterChargeMs: 500 },
    ]) {
      sandbox.state.setFaults(faults);
      await attempt(client.placeOrder({ serviceId: "1739", imei: nextImei() }));
      await attempt(client.listServices());
    }
    sandbox.state.setFaults({});
    await attempt(createClient({ username: "nobody" }).listServices());
    await attempt(
      createClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, readRetries: 0 }).listServices(),
    );
    const breaking = createClient({ readRetries: 0, breaker: { consecutiveFailures: 1 } });
    sandbox.state.setFaults({ rate503: 1 });
    await attempt(breaking.listServices());
    await attempt(breaking.listServices());
    await attempt(
      Promise.resolve().then(
        () => new GsmFusionClient({ baseUrl: "http://x.example", username: "u", apiKey: SECRET_KEY }),
      ),
    );

    expect(errors.length).toBeGreaterThanOrEqual(14);
    expect(lines.length).toBeGreaterThan(0);
    const texts: string[] = [...lines];
    for (const err of errors) {
      let current: unknown = err;
      for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
        texts.push(current.message, current.stack ?? "", String(current), JSON.stringify(current));
        current = current.cause;
      }
    }
    for (const text of texts) expect(text).not.toContain(SECRET_KEY);
  });
});
