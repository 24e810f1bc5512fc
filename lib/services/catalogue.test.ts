import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { GsmFusionClient } from "@/lib/gsmfusion";
import { SANDBOX_DEFAULTS } from "@/lib/gsmfusion/sandbox/defaults";
import { SANDBOX_SERVICES, type SandboxHandle, startSandbox } from "@/lib/gsmfusion/sandbox/server";
import { setLogSink, type LogLevel } from "@/lib/log";
import { parseMoney } from "@/lib/money";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import {
  ensureCatalogue,
  getCatalogueService,
  listAvailableCatalogue,
  listCatalogue,
  refreshCatalogue,
  startCatalogueRefreshLoop,
  waitForCatalogueRefresh,
} from "./catalogue";

const SANDBOX_IMEI_SERVICES = SANDBOX_SERVICES.filter((s) => s.kind === "imei");
const HOUR_AGO = () => new Date(Date.now() - 60 * 60_000);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function unreachableClient(): Promise<GsmFusionClient> {
  return new GsmFusionClient({
    baseUrl: `http://127.0.0.1:${await closedPort()}`,
    username: SANDBOX_DEFAULTS.username,
    apiKey: SANDBOX_DEFAULTS.apiKey,
    retryBaseDelayMs: 1,
  });
}

describeEachDb("service catalogue", (provider) => {
  let db: TestDb;
  let sandbox: SandboxHandle;
  let client: GsmFusionClient;
  let logs: Array<{ level: LogLevel; line: string }>;
  let restoreLogSink: () => void;

  const catalogueCalls = () => sandbox.state.stats.calls.imeiservices ?? 0;
  const backdateCatalogue = (at: Date) =>
    db.write((prisma) => prisma.service.updateMany({ data: { refreshedAt: at } }));
  const snapshot = async () =>
    (await db.prisma.service.findMany({ orderBy: { id: "asc" } })).map(
      ({ refreshedAt: _r, updatedAt: _u, createdAt: _c, ...rest }) => rest,
    );

  beforeAll(async () => {
    db = await createTestDb(provider);
    sandbox = await startSandbox({ port: 0 });
    client = new GsmFusionClient({
      baseUrl: sandbox.url,
      username: SANDBOX_DEFAULTS.username,
      apiKey: SANDBOX_DEFAULTS.apiKey,
    });
  });
  afterAll(async () => {
    await waitForCatalogueRefresh(db);
    await db.drop();
    await sandbox.close();
  });
  beforeEach(async () => {
    await db.write((prisma) => prisma.service.deleteMany());
    sandbox.state.reset();
    logs = [];
    restoreLogSink = setLogSink((level, line) => logs.push({ level, line }));
  });
  afterEach(async () => {
    await waitForCatalogueRefresh(db);
    restoreLogSink();
  });

  it("refresh upserts every listed IMEI service with exact micro-unit prices", async () => {
    expect(SANDBOX_IMEI_SERVICES.length).toBeGreaterThanOrEqual(30);
    expect(await refreshCatalogue(db, client)).toEqual({
      upserted: SANDBOX_IMEI_SERVICES.length,
      deactivated: 0,
    });

    const apple = await getCatalogueService(db, "1739");
    expect(apple).toMatchObject({
      id: "1739",
      kind: "imei",
      category: "IMEI Checking",
      title:
        "10-7.1# Apple iPhone IMEI Carrier + Simlock + FMI + WW + Activation Etc 🔥Hot Exclusive Checker🔥",
      priceMicros: 80_000n,
      deliveryTime: "Instant-5 Minutes",
      deliveryMaxMins: 5,
      isActive: true,
    });
    expect((await getCatalogueService(db, "2104"))?.priceMicros).toBe(150_000_000n);
    expect((await getCatalogueService(db, "1813"))?.priceMicros).toBe(4_500_000n);
    expect((await getCatalogueService(db, "2102"))?.deliveryMaxMins).toBe(3 * 24 * 60);
    for (const expected of SANDBOX_IMEI_SERVICES) {
      expect((await getCatalogueService(db, expected.id))?.priceMicros).toBe(parseMoney(expected.price));
    }
    const gsx = await getCatalogueService(db, "1743");
    expect(gsx?.mustReadHtml).toContain("Full GSX report.");
    expect(gsx?.mustReadHtml).not.toContain("<script");
    expect(await getCatalogueService(db, "501")).toBeNull(); // file services are not IMEI services
    expect(await getCatalogueService(db, "no-such-id")).toBeNull();
  });

  it("a second refresh is idempotent", async () => {
    await refreshCatalogue(db, client);
    const first = await snapshot();
    expect(await refreshCatalogue(db, client)).toEqual({
      upserted: SANDBOX_IMEI_SERVICES.length,
      deactivated: 0,
    });
    expect(await snapshot()).toEqual(first);
  });

  it("a service the upstream stops listing becomes inactive, never deleted; a relisted one comes back", async () => {
    await refreshCatalogue(db, client);
    const refreshedAt = new Date();
    const extra = { title: "Gone", category: "Old", priceMicros: 1n, deliveryTime: "Instant", refreshedAt };
    await db.write(async (prisma) => {
      await prisma.service.create({ data: { id: "999001", kind: "imei", ...extra } });
      await prisma.service.create({ data: { id: "501", kind: "file", ...extra } });
      await prisma.service.update({ where: { id: "1739" }, data: { active: false } });
      await prisma.service.update({ where: { id: "1810" }, data: { priceMicros: 1n, title: "drifted" } });
    });

    expect(await refreshCatalogue(db, client)).toEqual({
      upserted: SANDBOX_IMEI_SERVICES.length,
      deactivated: 1,
    });
    expect(await getCatalogueService(db, "999001")).toMatchObject({ isActive: false, title: "Gone" });
    expect(await getCatalogueService(db, "501")).toMatchObject({ isActive: true }); // other kinds untouched
    expect(await getCatalogueService(db, "1739")).toMatchObject({ isActive: true });
    expect(await getCatalogueService(db, "1810")).toMatchObject({
      priceMicros: 100_000n,
      title: "11-1# Samsung Info + Warranty + Carrier Check 🇰🇷",
    });
    const listed = (await listCatalogue(db)).map((s) => s.id);
    expect(listed).not.toContain("999001");
    expect(listed).not.toContain("501");
    expect(listed).toHaveLength(SANDBOX_IMEI_SERVICES.length);
  });

  it("a catalogue of 1,500 services refreshes, and deactivates what is no longer listed", async () => {
    const listing = Array.from({ length: 1_500 }, (_, i) => ({
      id: String(700_000 + i),
      kind: "imei" as const,
      title: `Service ${i}`,
      category: "Bulk",
      price: "0.10",
      deliveryTime: "Instant",
      mustReadHtml: "",
    }));
    const listingOf = (services: typeof listing) =>
      ({ listServices: async () => services }) as unknown as GsmFusionClient;
    expect(await refreshCatalogue(db, listingOf(listing))).toEqual({ upserted: 1_500, deactivated: 0 });
    expect(await refreshCatalogue(db, listingOf(listing.slice(100)))).toEqual({
      upserted: 1_400,
      deactivated: 100,
    });
    expect(await listCatalogue(db)).toHaveLength(1_400);
  });

  it("lists by category then title, and searches title, category and id case-insensitively", async () => {
    await refreshCatalogue(db, client);
    const all = await listCatalogue(db);
    const keys = all.map((s) => [s.category.toLowerCase(), s.title.toLowerCase()] as const);
    for (let i = 1; i < keys.length; i++) {
      const [prev, cur] = [keys[i - 1]!, keys[i]!];
      expect(prev[0] < cur[0] || (prev[0] === cur[0] && prev[1].localeCompare(cur[1]) <= 0)).toBe(true);
    }

    const ids = async (q: string, category?: string) =>
      (await listCatalogue(db, { q, ...(category ? { category } : {}) })).map((s) => s.id).sort();
    expect(await ids("SAMSUNG")).toEqual(["1810", "1811", "1812", "1813"]);
    expect(await ids("kNoX")).toEqual(["1811"]);
    expect(await ids("1739")).toEqual(["1739"]);
    expect(await ids("carrier checks")).toEqual(expect.arrayContaining(["2001", "2002", "2003", "2004"]));
    expect(await ids("", "carrier checks")).toEqual(["2001", "2002", "2003", "2004"]);
    expect(await ids("verizon", "Carrier Checks")).toEqual(["2003"]);
    expect(await ids("🔥")).toEqual(expect.arrayContaining(["1739", "2104"]));
    expect(await ids("blacklist", "Samsung")).toEqual([]);
    expect(await ids("no-such-service-xyz")).toEqual([]);
  });

  it("ensureCatalogue loads an empty cache and waits, then answers from the cache while fresh", async () => {
    const first = await ensureCatalogue(db, client);
    expect(first).toMatchObject({
      count: SANDBOX_IMEI_SERVICES.length,
      isRefreshing: false,
      lastFailure: null,
    });
    expect(first.refreshedAt).toBeInstanceOf(Date);
    expect(catalogueCalls()).toBe(1);

    const started = Date.now();
    const again = await ensureCatalogue(db, client);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(again).toMatchObject({ count: SANDBOX_IMEI_SERVICES.length, isRefreshing: false });
    expect(catalogueCalls()).toBe(1);
  });

  it("ensureCatalogue serves a stale cache at once and refreshes it in the background, once", async () => {
    await refreshCatalogue(db, client);
    const old = HOUR_AGO();
    await backdateCatalogue(old);
    sandbox.state.reset();
    sandbox.state.setFaults({ latencyMs: { read: 500 } });

    const status = await ensureCatalogue(db, client);
    expect(status).toMatchObject({ count: SANDBOX_IMEI_SERVICES.length, isRefreshing: true });
    expect(status.refreshedAt).toEqual(old);
    const concurrent = await ensureCatalogue(db, client);
    expect(concurrent.isRefreshing).toBe(true);
    // The answer came before the upstream's: the cache is still the old one.
    expect((await getCatalogueService(db, "1739"))?.refreshedAt).toEqual(old);

    await vi.waitFor(async () => {
      expect((await getCatalogueService(db, "1739"))!.refreshedAt.getTime()).toBeGreaterThan(old.getTime());
    });
    await waitForCatalogueRefresh(db);
    expect(catalogueCalls()).toBe(1);
    expect((await ensureCatalogue(db, client)).isRefreshing).toBe(false);
  });

  it("a refresh loop fills the cache at once and stops when told", async () => {
    const stop = startCatalogueRefreshLoop(db, client, 60_000);
    try {
      await vi.waitFor(async () =>
        expect(await listCatalogue(db)).toHaveLength(SANDBOX_IMEI_SERVICES.length),
      );
    } finally {
      stop();
    }
    await waitForCatalogueRefresh(db);
    expect(catalogueCalls()).toBe(1);
  });

  // These leave a recorded failure behind (which holds off background refreshes for a minute), so they
  // run last.
  it("an unreachable upstream leaves the cache intact, logs, and is reported without throwing", async () => {
    await refreshCatalogue(db, client);
    const before = await snapshot();
    const old = HOUR_AGO();
    await backdateCatalogue(old);
    const unreachable = await unreachableClient();

    const status = await ensureCatalogue(db, unreachable);
    expect(status).toMatchObject({ count: SANDBOX_IMEI_SERVICES.length, isRefreshing: true });
    await waitForCatalogueRefresh(db);

    expect(await snapshot()).toEqual(before);
    expect((await getCatalogueService(db, "1739"))?.refreshedAt).toEqual(old);
    const warning = logs.find((l) => l.level === "warn" && l.line.includes("catalogue refresh failed"));
    expect(warning?.line).toContain("connection_refused");
    expect(warning?.line).not.toContain(SANDBOX_DEFAULTS.apiKey);

    const after = await ensureCatalogue(db, unreachable);
    expect(after).toMatchObject({ count: SANDBOX_IMEI_SERVICES.length, isRefreshing: false });
    expect(after.lastFailure).toMatchObject({ code: "connection_refused" });
  });

  it("a first load against an unreachable upstream reports the failure instead of throwing", async () => {
    const unreachable = await unreachableClient();
    const status = await ensureCatalogue(db, unreachable);
    expect(status).toMatchObject({ count: 0, refreshedAt: null, isRefreshing: false });
    expect(status.lastFailure).toMatchObject({ code: "connection_refused" });
    expect(logs.some((l) => l.level === "warn" && l.line.includes("connection_refused"))).toBe(true);

    // A working upstream then loads it, and clears the failure.
    const loaded = await ensureCatalogue(db, client);
    expect(loaded).toMatchObject({ count: SANDBOX_IMEI_SERVICES.length, lastFailure: null });
  });

  it("listAvailableCatalogue answers 503 upstream_unavailable for a failed first load, then the services", async () => {
    const unreachable = await unreachableClient();
    const failure = await listAvailableCatalogue(db, unreachable).catch((error: unknown) => error);
    expect(failure).toMatchObject({
      code: "upstream_unavailable",
      status: 503,
      message: expect.stringMatching(/^The service catalogue is not loaded yet\. .+ Try again shortly\.$/),
      details: { reason: "connection_refused" },
    });

    const services = await listAvailableCatalogue(db, client, { q: "1739" });
    expect(services.map((s) => s.id)).toEqual(["1739"]);
  });
});
