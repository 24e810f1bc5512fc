/**
 * The order history through GET /api/v1/orders (and its CSV export) on both databases: every filter and
 * search form, the IMEIs not found, whole days in the caller's zone, paging both ways with totals, each
 * sort, the 422s; and the migration's backfill of the parsed fields from results stored before it.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportCsvRoute from "@/app/api/v1/orders/export.csv/route";
import * as ordersRoute from "@/app/api/v1/orders/route";
import type { Deps } from "@/lib/api";
import { createApiToken } from "@/lib/auth/tokens";
import type { AppUser } from "@/lib/auth/users";
import { parseResultCode } from "@/lib/gsmfusion/result-parser";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import type { OrdersPage } from "@/lib/orders/schemas";
import { recordFinalStatus } from "@/lib/orders/transitions";
import { refreshCatalogue } from "@/lib/services/catalogue";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { insertBatchRow, insertUser, makeImeis, startSandboxUpstream } from "@/lib/test/engine-fixtures";

type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

const APPLE = "1739";
const OTHER = "2001";
const T0 = Date.UTC(2026, 10, 2, 12, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

function appleCode(carrier: string, fmi: string, model = "iPhone 13 Midnight 128GB"): string {
  const simLock = carrier === "Unlocked" ? "Unlocked" : "Locked";
  return `Model: ${model}<br>Carrier: ${carrier}<br>Find My iPhone: ${fmi}<br>SimLock: ${simLock}`;
}

describeEachDb("the order history", (provider) => {
  let db: TestDb;
  let sandbox: SandboxHandle;
  let deps: Deps;
  let opA: AppUser;
  let opB: AppUser;
  let admin: AppUser;
  const tokens = new Map<string, string>();
  const imeis = makeImeis(40, 515);
  let batchA = "";
  let batchA2 = "";
  // Every order of operator A, as inserted: the expected answers are computed from this list.
  let upstreamIds = 0;
  const mine: { id: string; imei: string; createdAt: Date; serviceId: string; batchId: string }[] = [];

  async function addOrder(input: {
    owner: AppUser;
    batchId: string;
    imei: string;
    createdAt: Date;
    serviceId?: string;
    code?: string;
    final?: "completed" | "rejected";
    overdue?: boolean;
    upstreamStatus?: string;
  }): Promise<string> {
    const id = randomUUID();
    await db.write((p) =>
      p.order.create({
        data: {
          id,
          batchId: input.batchId,
          serviceId: input.serviceId ?? APPLE,
          ownerId: input.owner.id,
          imei: input.imei,
          line: 1,
          state: "submitted",
          priceMicros: 80_000n,
          upstreamOrderId: String(70_000_000 + (upstreamIds += 1)),
          upstreamStatus: input.upstreamStatus ?? "pending",
          placedAt: input.createdAt,
          createdAt: input.createdAt,
        },
      }),
    );
    if (input.final) {
      // The status sync's own statement writes the result and its filtered columns.
      const parsed = input.code ? parseResultCode(input.code) : null;
      const changed = await recordFinalStatus(db, {
        orderId: id,
        status: input.final,
        code: input.code ?? null,
        parsed,
        overdue: input.overdue ?? false,
        now: input.createdAt,
      });
      expect(changed).toBe(true);
    } else if (input.overdue) {
      await db.write((p) => p.order.update({ where: { id }, data: { overdue: true } }));
    }
    if (input.owner.id === opA.id)
      mine.push({
        id,
        imei: input.imei,
        createdAt: input.createdAt,
        serviceId: input.serviceId ?? APPLE,
        batchId: input.batchId,
      });
    return id;
  }

  function call(handler: unknown, who: AppUser, query: string): Promise<Response> {
    const req = new Request(`http://localhost/api/v1/orders${query}`, {
      headers: { authorization: `Bearer ${tokens.get(who.id)}` },
    });
    return (handler as Handler)(req, { params: Promise.resolve({}) as Promise<never> });
  }

  async function list(who: AppUser, query: string): Promise<OrdersPage> {
    const response = await call(ordersRoute.GET.withDeps(deps), who, `?${query}`);
    const body = (await response.json()) as OrdersPage;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  }

  async function imeisOf(who: AppUser, query: string): Promise<string[]> {
    return (await list(who, `${query}&limit=500`)).orders.map((o) => o.imei);
  }

  async function refusal(who: AppUser, query: string): Promise<string> {
    const response = await call(ordersRoute.GET.withDeps(deps), who, `?${query}`);
    expect(response.status).toBe(422);
    return ((await response.json()) as { error: { message: string } }).error.message;
  }

  beforeAll(async () => {
    db = await createTestDb(provider);
    const upstream = await startSandboxUpstream();
    sandbox = upstream.sandbox;
    deps = { db, upstream: upstream.client };
    await refreshCatalogue(db, deps.upstream);
    opA = await insertUser(db, "history-a@shop.test", "operator");
    opB = await insertUser(db, "history-b@shop.test", "operator");
    admin = await insertUser(db, "history-admin@shop.test", "admin");
    for (const u of [opA, opB, admin]) tokens.set(u.id, (await createApiToken(db, u.id)).token);
    batchA = (await insertBatchRow(db, { ownerId: opA.id, serviceId: APPLE, state: "running", size: 10 })).id;
    batchA2 = (await insertBatchRow(db, { ownerId: opA.id, serviceId: OTHER, state: "running", size: 2 })).id;
    const batchB = (
      await insertBatchRow(db, { ownerId: opB.id, serviceId: APPLE, state: "running", size: 2 })
    ).id;

    // Operator A: 0–3 AT&T (0, 1 locked FMI ON; 2 FMI OFF; 3 a day later), 4 T-Mobile, 5 unlocked,
    // 6 rejected, 7 still open and overdue, 8–9 another service in another batch.
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[0]!,
      createdAt: at(0),
      final: "completed",
      code: appleCode("AT&T USA", "ON"),
    });
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[1]!,
      createdAt: at(1),
      final: "completed",
      code: appleCode("AT&T USA", "ON", "iPhone 15 Black 128GB"),
    });
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[2]!,
      createdAt: at(2),
      final: "completed",
      code: appleCode("AT&T USA", "OFF"),
    });
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[3]!,
      createdAt: at(24 * 60 + 3),
      final: "completed",
      code: appleCode("AT&T USA", "ON"),
    });
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[4]!,
      createdAt: at(4),
      final: "completed",
      code: appleCode("T-Mobile USA", "OFF"),
    });
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[5]!,
      createdAt: at(5),
      final: "completed",
      code: appleCode("Unlocked", "OFF"),
    });
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[6]!,
      createdAt: at(6),
      final: "rejected",
      code: "No data found for this IMEI",
    });
    await addOrder({
      owner: opA,
      batchId: batchA,
      imei: imeis[7]!,
      createdAt: at(7),
      overdue: true,
      upstreamStatus: "in_process",
    });
    await addOrder({ owner: opA, batchId: batchA2, imei: imeis[8]!, createdAt: at(8), serviceId: OTHER });
    await addOrder({ owner: opA, batchId: batchA2, imei: imeis[9]!, createdAt: at(9), serviceId: OTHER });
    // Operator B: an AT&T order the same day, and an IMEI only B ordered.
    await addOrder({
      owner: opB,
      batchId: batchB,
      imei: imeis[20]!,
      createdAt: at(3),
      final: "completed",
      code: appleCode("AT&T USA", "ON"),
    });
    await addOrder({ owner: opB, batchId: batchB, imei: imeis[21]!, createdAt: at(4) });
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
  });

  it("filters by the parsed fields ignoring case and spaces, and ANDs them with a day range in one URL", async () => {
    expect(new Set(await imeisOf(opA, "carrier=AT%26T%20USA"))).toEqual(new Set(imeis.slice(0, 4)));
    expect(new Set(await imeisOf(opA, "carrier=%20at%26t%20usa%20"))).toEqual(new Set(imeis.slice(0, 4)));
    expect(new Set(await imeisOf(opA, "simLock=locked"))).toEqual(new Set([...imeis.slice(0, 5)]));
    expect(new Set(await imeisOf(opA, "fmi=on"))).toEqual(new Set([imeis[0], imeis[1], imeis[3]]));
    expect(await imeisOf(opA, "model=IPHONE%2015%20BLACK%20128GB")).toEqual([imeis[1]]);
    // "AT&T + Locked + that day": the day after is out; operator B's AT&T order is not A's.
    const oneUrl = "carrier=AT%26T%20USA&simLock=Locked&from=2026-11-02&to=2026-11-02";
    expect(new Set(await imeisOf(opA, oneUrl))).toEqual(new Set(imeis.slice(0, 3)));
    expect((await list(opA, oneUrl)).total).toBe(3);
    expect(new Set(await imeisOf(admin, oneUrl))).toEqual(new Set([...imeis.slice(0, 3), imeis[20]]));
    expect(await imeisOf(opA, "carrier=AT%26T")).toEqual([]);
  });

  it("filters by state, upstream status, service, batch, overdue and operator", async () => {
    expect(await imeisOf(opA, "state=rejected")).toEqual([imeis[6]]);
    expect(await imeisOf(opA, "status=rejected")).toEqual([imeis[6]]);
    expect(new Set(await imeisOf(opA, "state=submitted"))).toEqual(new Set([imeis[7], imeis[8], imeis[9]]));
    expect(await imeisOf(opA, "upstreamStatus=in_process")).toEqual([imeis[7]]);
    expect(new Set(await imeisOf(opA, `serviceId=${OTHER}`))).toEqual(new Set([imeis[8], imeis[9]]));
    expect(new Set(await imeisOf(opA, `batchId=${batchA2}`))).toEqual(new Set([imeis[8], imeis[9]]));
    expect(await imeisOf(opA, "overdue=true")).toEqual([imeis[7]]);
    expect((await list(opA, "overdue=false")).total).toBe(9);
    // An admin narrows to one operator; an operator naming another gets nothing of theirs.
    expect(new Set(await imeisOf(admin, `operator=${opB.id}`))).toEqual(new Set([imeis[20], imeis[21]]));
    expect((await list(admin, `operator=${opA.id}`)).total).toBe(10);
    expect(await list(opA, `operator=${opB.id}`)).toMatchObject({ orders: [], total: 0 });
    expect((await list(opA, `operator=${opA.id}`)).total).toBe(10);
    expect(
      await imeisOf(opA, `batchId=${(await list(admin, `operator=${opB.id}`)).orders[0]!.batchId}`),
    ).toEqual([]);
  });

  it("searches any run of 4 or more digits of an IMEI; fewer digits are a 422 that says why", async () => {
    const target = imeis[4]!;
    expect(await imeisOf(opA, `q=${target}`)).toEqual([target]);
    expect(await imeisOf(opA, `q=${target.slice(-6)}`)).toEqual([target]);
    expect(await imeisOf(opA, `q=${target.slice(-4)}`)).toContain(target);
    expect(await imeisOf(opA, `q=${target.slice(2, 6)}-${target.slice(6, 9)}`)).toContain(target);
    // Operator B's IMEI is not found by operator A.
    expect(await imeisOf(opA, `q=${imeis[21]}`)).toEqual([]);
    expect(await refusal(opA, "q=123")).toMatch(/q: must be 4 to 17 digits/);
    expect(await refusal(opA, "q=12ab")).toMatch(/q: must be 4 to 17 digits/);
  });

  it("names the listed IMEIs no visible order matching the other filters holds, each once in list order", async () => {
    const unknown = makeImeis(3, 616);
    const pasted = [unknown[0], imeis[0], imeis[21], unknown[1], imeis[8], unknown[0], imeis[0]].join("\n");
    const page = await list(opA, `imei=${encodeURIComponent(pasted)}`);
    expect(new Set(page.orders.map((o) => o.imei))).toEqual(new Set([imeis[0], imeis[8]]));
    // imeis[21] is operator B's: for operator A it is not found, exactly like an unknown IMEI.
    expect(page.notFound).toEqual([unknown[0], imeis[21], unknown[1]]);
    // Under a service filter, the IMEI ordered only for another service is not found either.
    const apple = await list(opA, `imei=${encodeURIComponent(pasted)}&serviceId=${APPLE}`);
    expect(apple.notFound).toEqual([unknown[0], imeis[21], unknown[1], imeis[8]]);
    expect((await list(admin, `imei=${encodeURIComponent(pasted)}`)).notFound).toEqual([
      unknown[0],
      unknown[1],
    ]);
    expect((await list(opA, "state=rejected")).notFound).toBeUndefined();
  });

  describe("days are whole, in the zone asked for", () => {
    let late = "";
    let nextMorning = "";
    beforeAll(async () => {
      // 23:30 on 2026-11-10 in Los Angeles (UTC−8) is 07:30 UTC on the 11th; 00:10 on the 11th is 08:10.
      late = await addOrder({
        owner: opA,
        batchId: batchA,
        imei: imeis[10]!,
        createdAt: new Date("2026-11-11T07:30:00Z"),
      });
      nextMorning = await addOrder({
        owner: opA,
        batchId: batchA,
        imei: imeis[11]!,
        createdAt: new Date("2026-11-11T08:10:00Z"),
      });
    });

    it("includes an order at 23:30 local on the `to` day, which is the next day in UTC", async () => {
      const la = await list(opA, "from=2026-11-10&to=2026-11-10&tz=America/Los_Angeles");
      expect(la.orders.map((o) => o.id)).toEqual([late]);
      const laNext = await list(opA, "from=2026-11-11&to=2026-11-11&tz=America/Los_Angeles");
      expect(laNext.orders.map((o) => o.id)).toEqual([nextMorning]);
      // Without a zone the days are UTC's: both fall on the 11th.
      expect((await list(opA, "from=2026-11-11&to=2026-11-11")).orders.map((o) => o.id).sort()).toEqual(
        [late, nextMorning].sort(),
      );
      expect((await list(opA, "to=2026-11-10")).orders.map((o) => o.id)).not.toContain(late);
      expect((await list(opA, "to=2026-11-10&tz=America/Los_Angeles")).orders.map((o) => o.id)).toContain(
        late,
      );
    });

    it("refuses a range that ends before it starts, a day that does not exist and an unknown zone", async () => {
      expect(await refusal(opA, "from=2026-11-12&to=2026-11-11")).toMatch(
        /^to: must be the day of `from` or later/,
      );
      expect(await refusal(opA, "from=2026-02-30")).toMatch(/^from: must be a day such as/);
      expect(await refusal(opA, "from=2026-11-11&tz=Mars/Olympus")).toMatch(/^tz: must be an IANA time zone/);
    });
  });

  it("pages forward and back in each sort, with the total on every page", async () => {
    const expected = {
      newest: [...mine].sort(
        (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
      ),
      oldest: [...mine].sort(
        (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1),
      ),
      imei: [...mine].sort((a, b) => (a.imei < b.imei ? -1 : a.imei > b.imei ? 1 : a.id < b.id ? -1 : 1)),
    };
    for (const sort of ["newest", "oldest", "imei"] as const) {
      const want = expected[sort].map((o) => o.id);
      const pages: OrdersPage[] = [];
      let page = await list(opA, `sort=${sort}&limit=3`);
      expect(page.prevCursor).toBeNull();
      pages.push(page);
      while (page.nextCursor) {
        page = await list(opA, `sort=${sort}&limit=3&cursor=${page.nextCursor}`);
        pages.push(page);
      }
      expect(
        pages.flatMap((p) => p.orders.map((o) => o.id)),
        sort,
      ).toEqual(want);
      expect(pages.every((p) => p.total === want.length)).toBe(true);
      expect(pages).toHaveLength(Math.ceil(want.length / 3));
      // And back from the last page to the first, through `before`.
      const back: string[][] = [page.orders.map((o) => o.id)];
      while (page.prevCursor) {
        page = await list(opA, `sort=${sort}&limit=3&before=${page.prevCursor}`);
        expect(page.total).toBe(want.length);
        back.unshift(page.orders.map((o) => o.id));
      }
      expect(back.flat(), `${sort} backwards`).toEqual(want);
      expect(back[0]).toHaveLength(3);
      expect(page.nextCursor).not.toBeNull();
    }
    // Another operator's order as a cursor is an empty page, not a window into their history.
    const theirs = (await list(opB, "limit=1")).orders[0]!.id;
    expect((await list(opA, `cursor=${theirs}`)).orders).toEqual([]);
    expect(await refusal(opA, `cursor=${want0()}&before=${want0()}`)).toMatch(
      /before: give `cursor` or `before`/,
    );
    expect(await refusal(opA, "sort=price")).toMatch(/^sort: must be one of newest, oldest, imei/);
    function want0() {
      return mine[0]!.id;
    }
  });

  it("exports exactly the filter to CSV", async () => {
    const response = await call(
      exportCsvRoute.GET.withDeps(deps),
      opA,
      "/export.csv?carrier=at%26t%20usa&simLock=LOCKED&from=2026-11-02&to=2026-11-02&tz=UTC",
    );
    expect(response.status).toBe(200);
    const rows = (await response.text()).trim().split("\r\n").slice(1);
    expect(new Set(rows.map((r) => r.split(",")[1]))).toEqual(new Set(imeis.slice(0, 3)));
    const bad = await call(exportCsvRoute.GET.withDeps(deps), opA, "/export.csv?q=12");
    expect(bad.status).toBe(422);
    // A zone the export cannot read is refused as the list refuses it, not silently taken as UTC.
    const badZone = await call(exportCsvRoute.GET.withDeps(deps), opA, "/export.csv?tz=Mars%2FOlympus");
    expect(badZone.status).toBe(422);
    expect(await badZone.text()).toMatch(/tz/);
  });
});

describeEachDb("the history_filters migration", (provider) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb(provider);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("backfills the parsed fields and their search keys from results stored before it", async () => {
    const owner = await insertUser(db, "backfill@shop.test", "operator");
    const serviceId = "1";
    await db.write((p) =>
      p.service.create({
        data: {
          id: serviceId,
          title: "t",
          category: "c",
          priceMicros: 1n,
          deliveryTime: "Instant",
          refreshedAt: new Date(),
        },
      }),
    );
    const batch = await insertBatchRow(db, { ownerId: owner.id, serviceId, state: "done", size: 3 });
    const good = JSON.stringify(parseResultCode(appleCode("  AT&T USA ", "ON")));
    const rows = [
      { id: randomUUID(), result: good },
      { id: randomUUID(), result: "{not json" },
      { id: randomUUID(), result: null },
    ];
    await db.write((p) =>
      p.order.createMany({
        data: rows.map((r, i) => ({
          id: r.id,
          batchId: batch.id,
          serviceId,
          ownerId: owner.id,
          imei: makeImeis(3, 717)[i]!,
          line: i + 1,
          state: "completed",
          priceMicros: 1n,
          result: r.result,
        })),
      }),
    );
    const file = path.join(
      process.cwd(),
      `prisma/migrations/${provider}/20261201150000_history_filters/migration.sql`,
    );
    const sql = readFileSync(file, "utf8");
    const backfill = sql.slice(sql.indexOf("-- Backfill"), sql.indexOf("-- CreateIndex"));
    // Statements end at a semicolon that closes a line and is not inside the function's $$ body.
    const statements = backfill
      .split(/;\s*\n(?=UPDATE|CREATE|DROP|$)/)
      .map((s) => s.replace(/^--.*$/gm, "").trim())
      .filter(Boolean);
    await db.transaction(async (tx) => {
      for (const statement of statements) await tx.$executeRawUnsafe(statement);
    });
    const after = await db.prisma.order.findMany({
      where: { id: { in: rows.map((r) => r.id) } },
      select: {
        id: true,
        carrier: true,
        carrierKey: true,
        simLockKey: true,
        fmi: true,
        fmiKey: true,
        modelKey: true,
      },
    });
    const byId = new Map(after.map((r) => [r.id, r]));
    expect(byId.get(rows[0]!.id)).toMatchObject({
      carrier: "AT&T USA",
      carrierKey: "at&t usa",
      simLockKey: "locked",
      fmi: "ON",
      fmiKey: "on",
      modelKey: "iphone 13 midnight 128gb",
    });
    expect(byId.get(rows[1]!.id)).toMatchObject({ carrier: null, carrierKey: null });
    expect(byId.get(rows[2]!.id)).toMatchObject({ carrier: null, carrierKey: null });
  });
});
