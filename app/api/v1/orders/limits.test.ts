/**
 * Lists reach the database at their documented maxima on both databases, through the routes: "Sync now"
 * with 20,000 order ids, an IMEI search and its export with 10,000 IMEIs, and an export of every order,
 * page by page to the last row. SQLite's bound-parameter limit (and Prisma's own, 999) once made these
 * 500s, or an export that stopped after its header.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import * as exportCsvRoute from "@/app/api/v1/orders/export.csv/route";
import * as ordersRoute from "@/app/api/v1/orders/route";
import * as syncRoute from "@/app/api/v1/orders/sync/route";
import type { Deps } from "@/lib/api";
import { createApiToken } from "@/lib/auth/tokens";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { MAX_IMEI_FILTER } from "@/lib/orders/schemas";
import { refreshCatalogue } from "@/lib/services/catalogue";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { insertBatchRow, insertUser, makeImeis, startSandboxUpstream } from "@/lib/test/engine-fixtures";

const SYNC_MAX = 20_000;
type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

describeEachDb("lists at their documented maxima", (provider) => {
  let db: TestDb;
  let sandbox: SandboxHandle;
  let deps: Deps;
  let token: string;
  const imeis = makeImeis(SYNC_MAX, 808);
  const orderIds: string[] = [];

  function call(handler: unknown, path: string, body?: object): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body) headers["content-type"] = "application/json";
    const req = new Request(`http://localhost${path}`, {
      method: body ? "POST" : "GET",
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    return (handler as Handler)(req, { params: Promise.resolve({}) as Promise<never> });
  }

  beforeAll(async () => {
    vi.stubEnv("DAILY_SPEND_LIMIT", undefined);
    db = await createTestDb(provider);
    const upstream = await startSandboxUpstream();
    sandbox = upstream.sandbox;
    deps = { db, upstream: upstream.client };
    await refreshCatalogue(db, deps.upstream);
    const user = await insertUser(db, "limits@shop.test", "operator");
    token = (await createApiToken(db, user.id)).token;
    const batch = await insertBatchRow(db, {
      ownerId: user.id,
      serviceId: "1739",
      state: "running",
      size: SYNC_MAX,
    });
    const start = Date.UTC(2026, 10, 1);
    const rows = imeis.map((imei, i) => {
      const id = randomUUID();
      orderIds.push(id);
      return {
        id,
        batchId: batch.id,
        serviceId: "1739",
        ownerId: user.id,
        imei,
        line: i + 1,
        state: "submitted",
        priceMicros: 80_000n,
        upstreamOrderId: String(90_000_000 + i),
        placedAt: new Date(start + i * 1000),
        createdAt: new Date(start + i * 1000),
      };
    });
    for (let i = 0; i < rows.length; i += 5_000)
      await db.write((p) => p.order.createMany({ data: rows.slice(i, i + 5_000) }));
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
    vi.unstubAllEnvs();
  });

  it(`GET /api/v1/orders pages through a search for ${MAX_IMEI_FILTER.toLocaleString("en-US")} IMEIs; one more is a 422`, async () => {
    const GET = ordersRoute.GET.withDeps(deps);
    const wanted = imeis.slice(0, MAX_IMEI_FILTER);
    const query = `imei=${wanted.join(",")}&limit=500`;
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await call(GET, `/api/v1/orders?${query}${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { orders: { imei: string }[]; nextCursor: string | null };
      for (const order of page.orders) seen.add(order.imei);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 30);
    expect(seen).toEqual(new Set(wanted));
    expect(pages).toBe(MAX_IMEI_FILTER / 500);

    const tooMany = await call(GET, `/api/v1/orders?imei=${imeis.slice(0, MAX_IMEI_FILTER + 1).join(",")}`);
    expect(tooMany.status).toBe(422);
  });

  it(`GET export.csv exports the ${MAX_IMEI_FILTER.toLocaleString("en-US")} IMEIs searched for, and every order without a filter`, async () => {
    const GET = exportCsvRoute.GET.withDeps(deps);
    const searched = await call(
      GET,
      `/api/v1/orders/export.csv?imei=${imeis.slice(0, MAX_IMEI_FILTER).join(",")}`,
    );
    expect(searched.status).toBe(200);
    const searchedLines = (await searched.text()).trim().split("\r\n");
    expect(searchedLines).toHaveLength(1 + MAX_IMEI_FILTER);
    expect(new Set(searchedLines.slice(1).map((line) => line.split(",")[1]))).toEqual(
      new Set(imeis.slice(0, MAX_IMEI_FILTER)),
    );

    const everything = await call(GET, "/api/v1/orders/export.csv");
    expect(everything.status).toBe(200);
    const lines = (await everything.text()).trim().split("\r\n");
    expect(lines).toHaveLength(1 + SYNC_MAX);
    // Newest first, the oldest order last: the stream reached the end.
    expect(lines[1]!.split(",")[1]).toBe(imeis.at(-1));
    expect(lines.at(-1)!.split(",")[1]).toBe(imeis[0]);
  });

  // One statement per order keeps 20,000 of them busy for a while on PostgreSQL.
  it(
    `POST /api/v1/orders/sync asks about ${SYNC_MAX.toLocaleString("en-US")} order ids at once; one more is a 422`,
    { timeout: 120_000 },
    async () => {
      const POST = syncRoute.POST.withDeps(deps);
      const response = await call(POST, "/api/v1/orders/sync", { orderIds });
      expect(response.status).toBe(200);
      // The sandbox never placed these orders: every one is asked about, and reported missing.
      expect(await response.json()).toEqual({
        checked: SYNC_MAX,
        completed: 0,
        rejected: 0,
        stillOpen: 0,
        missing: SYNC_MAX,
      });
      expect(sandbox.state.stats.calls.getimeis).toBe(SYNC_MAX / 100);
      const tooMany = await call(POST, "/api/v1/orders/sync", { orderIds: [...orderIds, "one-more"] });
      expect(tooMany.status).toBe(422);
    },
  );
});
