/**
 * Who may see and do what, through the real route handlers on real databases. Every route file under
 * app/api/v1 is found by itself (lib/test/route-files.ts) and must have a row in the table below: a route
 * with an `{id}` or a list is called by another operator, by the same operator under the shop's "operators
 * see all orders" setting, and by an admin; any other route says why it holds no one's batches or orders.
 *
 * Another operator's batch or order is a 404 exactly like an id that does not exist, on every route, and
 * changes nothing: no row, no audit event, no upstream call. Under the shop setting it is visible, and
 * acting on it is a 403 that changes nothing. An admin sees and acts on everything, and is the audited actor.
 */
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shopSettingsSchema } from "@/lib/admin/schemas";
import { readShopSettings, updateShopSettings } from "@/lib/admin/settings";
import type { Deps, RouteHandler } from "@/lib/api";
import { createApiToken } from "@/lib/auth/tokens";
import type { AppUser } from "@/lib/auth/users";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { openDb, type Db } from "@/lib/db";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { SubmissionWorker } from "@/lib/orders/worker";
import { refreshCatalogue } from "@/lib/services/catalogue";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import {
  insertUser,
  makeImeis,
  makeOneOrderUncertain,
  startSandboxUpstream,
  waitFor,
} from "@/lib/test/engine-fixtures";
import { scanRoutes } from "@/lib/test/route-files";
import * as batchRoute from "./batches/[id]/route";

const v1Dir = import.meta.dirname;

/** Operator A's objects that the routes are called with. */
type Owned = {
  draftId: string;
  /** Placed; the sandbox keeps its orders "In Process", so every sync asks about them again. */
  placedBatchId: string;
  placedOrderId: string;
  placedUpstreamId: string;
  /** Queued, with one order made uncertain. */
  uncertainBatchId: string;
  uncertainOrderId: string;
  imeis: string[];
  /** One of A's API tokens (not the one the calls are made with). */
  tokenId: string;
  /** Two more uncertain orders (their own batch), for bulk decisions. */
  bulk: DecisionTarget[];
};

/** What a bulk decision names an order by: its id, or (pasted pairs) its IMEI with an upstream id. */
type DecisionTarget = { orderId: string; imei: string; upstreamOrderId: string };

type ObjectRoute = {
  kind: "object";
  intent: "see" | "act";
  target: (o: Owned) => string;
  /** The bodies an action is tried with, each of which must change nothing for who may not act. */
  bodies?: (o: Owned) => object[];
  /** What the admin sends (act routes): it must succeed. */
  adminBody?: (o: Owned) => object;
};

/** A list or a bulk action: which of A's IMEIs a caller's request reached (returned, exported, synced). */
type ListRoute = { kind: "list"; reach: (ctx: ListContext) => Promise<Set<string>> };

/**
 * A decision on many orders named in the body: another operator's are refused exactly like unknown ones
 * (with or without the shop setting: acting is never widened), and nothing changes; the owner and an
 * admin decide them.
 */
type BulkRoute = {
  kind: "bulk";
  bodies: (target: DecisionTarget) => object[];
  /** What the owner (target 0) and then an admin (target 1) send: it must decide the order. */
  ownerBody: (target: DecisionTarget) => object;
};

/** A route that holds no one's batches or orders, and why. */
type UnownedRoute = { kind: "unowned"; why: string; adminOnly?: true };

/**
 * A person's own things that are not batches or orders (API tokens): never shown to another operator,
 * whatever the shop setting; an admin's reach everyone's. `target` is the id an `{id}` route is called with.
 */
type PersonalRoute = { kind: "personal"; why: string; target?: (o: Owned) => string };

type Caller = { token: string };
type ListContext = {
  call: CallFn;
  as: Caller;
  owned: Owned;
  reachedBySync: () => Promise<Set<string>>;
  /** Gives every user their "Sync now" turn back (one per 10 s; the throttle is tested in sync-now.test.ts). */
  resetSyncTurns: () => Promise<void>;
};
type CallFn = (
  key: string,
  as: Caller,
  input?: { id?: string; query?: string; body?: object; signal?: AbortSignal },
) => Promise<Response>;

const ROUTES: Record<string, ObjectRoute | ListRoute | BulkRoute | UnownedRoute | PersonalRoute> = {
  "GET /api/v1/batches/{id}": { kind: "object", intent: "see", target: (o) => o.placedBatchId },
  "GET /api/v1/batches/{id}/events": { kind: "object", intent: "see", target: (o) => o.placedBatchId },
  "GET /api/v1/batches/{id}/orders": { kind: "object", intent: "see", target: (o) => o.placedBatchId },
  "GET /api/v1/batches/{id}/results.csv": { kind: "object", intent: "see", target: (o) => o.placedBatchId },
  "GET /api/v1/batches/{id}/results.xlsx": { kind: "object", intent: "see", target: (o) => o.placedBatchId },
  "POST /api/v1/batches/{id}/confirm": {
    kind: "object",
    intent: "act",
    target: (o) => o.draftId,
    bodies: () => [{}, { reorderRepeats: true }],
    adminBody: () => ({}),
  },
  "POST /api/v1/batches/{id}/cancel": {
    kind: "object",
    intent: "act",
    target: (o) => o.uncertainBatchId,
    bodies: () => [{}],
    adminBody: () => ({}),
  },
  "GET /api/v1/orders/{id}": { kind: "object", intent: "see", target: (o) => o.placedOrderId },
  "POST /api/v1/orders/{id}/resolve": {
    kind: "object",
    intent: "act",
    target: (o) => o.uncertainOrderId,
    // "not placed" once queued a new paid placeorder for whoever sent it; "placed" asks the upstream.
    bodies: (o) => [
      { action: "not_placed" },
      { action: "placed", upstreamOrderId: o.placedUpstreamId },
      { action: "write_off", note: "not mine" },
    ],
    adminBody: () => ({ action: "write_off", note: "admin decides" }),
  },
  "POST /api/v1/orders/resolve-bulk": {
    kind: "bulk",
    bodies: (t) => [
      { action: "not_placed", orderIds: [t.orderId] },
      { action: "write_off", orderIds: [t.orderId], note: "not mine" },
      { action: "placed", pairs: [{ imei: t.imei, upstreamOrderId: t.upstreamOrderId, line: 2 }] },
    ],
    ownerBody: (t) => ({ action: "write_off", orderIds: [t.orderId] }),
  },
  "GET /api/v1/orders": {
    kind: "list",
    reach: async ({ call, as, owned }) => {
      const imeis = new Set<string>();
      for (const query of ["limit=500", `batchId=${owned.placedBatchId}`, `imei=${owned.imeis.join(",")}`]) {
        const response = await call("GET /api/v1/orders", as, { query });
        expect(response.status).toBe(200);
        const page = (await response.json()) as { orders: { imei: string }[] };
        for (const order of page.orders) imeis.add(order.imei);
      }
      return imeis;
    },
  },
  "GET /api/v1/orders/export.csv": {
    kind: "list",
    reach: async ({ call, as, owned }) => {
      const imeis = new Set<string>();
      for (const query of ["", `batchId=${owned.placedBatchId}`]) {
        const response = await call("GET /api/v1/orders/export.csv", as, { query });
        expect(response.status).toBe(200);
        for (const line of (await response.text()).trim().split("\r\n").slice(1)) {
          imeis.add(line.split(",")[1]!);
        }
      }
      return imeis;
    },
  },
  "GET /api/v1/orders/export.xlsx": {
    kind: "list",
    reach: async ({ call, as, owned }) => {
      const imeis = new Set<string>();
      for (const query of ["", `batchId=${owned.placedBatchId}`]) {
        const response = await call("GET /api/v1/orders/export.xlsx", as, { query });
        expect(response.status).toBe(200);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(await response.arrayBuffer());
        workbook.worksheets[0]!.eachRow((row, number) => {
          if (number > 1) imeis.add(String(row.getCell(2).value));
        });
      }
      return imeis;
    },
  },
  "POST /api/v1/orders/sync": {
    kind: "list",
    reach: async ({ call, as, owned, reachedBySync, resetSyncTurns }) => {
      for (const body of [{}, { batchId: owned.placedBatchId }, { orderIds: [owned.placedOrderId] }]) {
        await resetSyncTurns();
        const response = await call("POST /api/v1/orders/sync", as, { body });
        expect(response.status).toBe(200);
      }
      return reachedBySync();
    },
  },
  "GET /api/v1/me": { kind: "unowned", why: "the caller's own account" },
  "GET /api/v1/services": { kind: "unowned", why: "the shop's service catalogue" },
  "POST /api/v1/batches": { kind: "unowned", why: "creates a draft owned by the caller" },
  "GET /api/v1/openapi.json": { kind: "unowned", why: "the API's description" },
  "GET /api/v1/settings": { kind: "unowned", why: "the shop's settings", adminOnly: true },
  "PUT /api/v1/settings": { kind: "unowned", why: "the shop's settings", adminOnly: true },
  "GET /api/v1/tokens": { kind: "personal", why: "the caller's own API tokens" },
  "POST /api/v1/tokens": { kind: "personal", why: "makes a token for the caller" },
  "DELETE /api/v1/tokens/{id}": { kind: "personal", why: "revokes a token", target: (o) => o.tokenId },
};

const routes = scanRoutes();
const objectRoutes = routes.flatMap((r) => {
  const row = ROUTES[r.key];
  return row?.kind === "object" ? [{ route: r, row }] : [];
});
const listRoutes = routes.flatMap((r) => {
  const row = ROUTES[r.key];
  return row?.kind === "list" ? [{ route: r, row }] : [];
});
const bulkRoutes = routes.flatMap((r) => {
  const row = ROUTES[r.key];
  return row?.kind === "bulk" ? [{ route: r, row }] : [];
});

describe("the permission table covers every v1 route", () => {
  it("has a row for every route file's method, and none for a route that does not exist", () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(Object.keys(ROUTES).sort()).toEqual(routes.map((r) => r.key).sort());
  });

  it("checks every route with an {id} as an object route; only routes without one may hold no one's objects", () => {
    for (const route of routes) {
      if (route.template.includes("{")) {
        const row = ROUTES[route.key];
        expect(row?.kind === "object" || (row?.kind === "personal" && row.target), route.key).toBeTruthy();
      }
    }
    expect(objectRoutes.length).toBeGreaterThanOrEqual(6);
    expect(listRoutes.length).toBeGreaterThanOrEqual(3);
  });

  it("marks admin-only exactly the routes that require the admin role", () => {
    for (const route of routes) {
      const row = ROUTES[route.key];
      const adminOnly = row?.kind === "unowned" && row.adminOnly === true;
      expect(adminOnly, route.key).toBe(route.role === "admin");
    }
  });
});

describeEachDb("permissions on every v1 route", (provider) => {
  let db: TestDb;
  let sandbox: SandboxHandle;
  let deps: Deps;
  let handlers: Map<string, RouteHandler<Record<string, string>>>;
  let admin: AppUser;
  let owner: AppUser;
  let other: AppUser;
  const as: Record<"admin" | "owner" | "other", Caller> = {
    admin: { token: "" },
    owner: { token: "" },
    other: { token: "" },
  };
  let owned: Owned;
  let otherImeis: string[];

  const call: CallFn = async (key, caller, input = {}) => {
    const handler = handlers.get(key);
    if (!handler) throw new Error(`no handler for ${key}`);
    const [method, template] = key.split(" ") as [string, string];
    const url = template.replace("{id}", encodeURIComponent(input.id ?? ""));
    const headers: Record<string, string> = { authorization: `Bearer ${caller.token}` };
    if (input.body !== undefined) headers["content-type"] = "application/json";
    const req = new Request(`http://localhost${url}${input.query ? `?${input.query}` : ""}`, {
      method,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      signal: input.signal,
    });
    const params: Record<string, string> = input.id === undefined ? {} : { id: input.id };
    return handler(req, { params: Promise.resolve(params) });
  };

  /** Reads the answer, and ends an event stream after its first bytes (it would run until the batch settles). */
  async function settle(response: Response, controller?: AbortController) {
    const type = response.headers.get("content-type") ?? "";
    if (type.startsWith("text/event-stream")) {
      const reader = response.body!.getReader();
      const first = await reader.read();
      controller?.abort();
      await reader.cancel().catch(() => undefined);
      return { status: response.status, type, body: new TextDecoder().decode(first.value) };
    }
    return { status: response.status, type, body: await response.text() };
  }

  async function callObject(key: string, caller: Caller, id: string, body?: object) {
    const controller = new AbortController();
    const response = await call(key, caller, { id, body, signal: controller.signal });
    return settle(response, controller);
  }

  /** Everything a refused request must leave as it was: A's rows, the audit trail, the upstream's calls. */
  async function snapshot() {
    const [batches, orders, audit] = await Promise.all([
      db.prisma.batch.findMany({ where: { ownerId: owner.id }, orderBy: { id: "asc" } }),
      db.prisma.order.findMany({ where: { ownerId: owner.id }, orderBy: { id: "asc" } }),
      db.prisma.auditEvent.count(),
    ]);
    return {
      batches: batches.map((b) => `${b.id} ${b.state} ${b.updatedAt.toISOString()}`),
      orders: orders.map((o) => `${o.id} ${o.state} ${o.checkCount} ${o.updatedAt.toISOString()}`),
      audit,
      upstreamCalls: { ...sandbox.state.stats.calls },
      charges: sandbox.state.charges.length,
    };
  }

  const resetSyncTurns = async () => {
    await db.write((prisma) => prisma.throttle.deleteMany());
  };

  /** A's IMEIs whose orders a sync asked the upstream about since the last call. */
  let lastChecks = new Map<string, number>();
  async function reachedBySync(): Promise<Set<string>> {
    const rows = await db.prisma.order.findMany({ where: { ownerId: owner.id } });
    const reached = new Set(
      rows.filter((r) => r.checkCount > (lastChecks.get(r.id) ?? 0)).map((r) => r.imei),
    );
    lastChecks = new Map(rows.map((r) => [r.id, r.checkCount]));
    return reached;
  }

  async function setOperatorsSeeAll(on: boolean) {
    await updateShopSettings(db, admin, { operatorsSeeAllOrders: on });
  }

  async function placeQueuedOrders() {
    const worker = new SubmissionWorker({ db, upstream: deps.upstream, concurrency: 4, idlePollMs: 10 });
    worker.start();
    try {
      const open = async () =>
        (await db.prisma.order.count({ where: { state: { in: ["queued", "submitting"] } } })) === 0;
      await waitFor(open, 20_000, "the worker to place the queued orders");
    } finally {
      await worker.stop();
    }
  }

  beforeAll(async () => {
    db = await createTestDb(provider);
    // Results never become final, so the placed orders stay `submitted` and every sync asks about them.
    const upstream = await startSandboxUpstream({
      sandbox: { timing: { inProcessAfterMs: 0, finalAfterMs: 3_600_000 } },
    });
    sandbox = upstream.sandbox;
    deps = { db, upstream: upstream.client };
    await refreshCatalogue(db, deps.upstream);
    handlers = new Map();
    for (const route of scanRoutes()) {
      const routeModule = (await import(path.join(v1Dir, route.file))) as Record<
        string,
        { withDeps(deps: Deps): RouteHandler<Record<string, string>> }
      >;
      handlers.set(route.key, routeModule[route.method]!.withDeps(deps));
    }

    admin = await insertUser(db, "admin@perm.test", "admin");
    owner = await insertUser(db, "owner@perm.test", "operator");
    other = await insertUser(db, "other@perm.test", "operator");
    for (const [name, user] of [
      ["admin", admin],
      ["owner", owner],
      ["other", other],
    ] as const) {
      as[name].token = (await createApiToken(db, user.id)).token;
    }

    const imeis = makeImeis(10, 808);
    otherImeis = makeImeis(3, 809);
    const placed = await createDraft(db, owner, { serviceId: "1739", imeis: imeis.slice(0, 3) });
    await confirmBatch(db, owner, placed.id);
    await placeQueuedOrders();
    const placedOrder = await db.prisma.order.findFirstOrThrow({ where: { batchId: placed.id } });

    const uncertain = await createDraft(db, owner, { serviceId: "1739", imeis: imeis.slice(3, 5) });
    await confirmBatch(db, owner, uncertain.id);
    const uncertainOrderId = await makeOneOrderUncertain(db, uncertain.id);

    const bulk = await createDraft(db, owner, { serviceId: "1739", imeis: imeis.slice(8, 10) });
    await confirmBatch(db, owner, bulk.id);
    const bulkIds = [await makeOneOrderUncertain(db, bulk.id), await makeOneOrderUncertain(db, bulk.id)];
    const bulkOrders = await db.prisma.order.findMany({ where: { id: { in: bulkIds } } });

    const draft = await createDraft(db, owner, { serviceId: "1739", imeis: imeis.slice(5, 8) });
    const theirs = await createDraft(db, other, { serviceId: "1739", imeis: otherImeis });
    await confirmBatch(db, other, theirs.id);

    owned = {
      draftId: draft.id,
      placedBatchId: placed.id,
      placedOrderId: placedOrder.id,
      placedUpstreamId: placedOrder.upstreamOrderId!,
      uncertainBatchId: uncertain.id,
      uncertainOrderId,
      tokenId: (await createApiToken(db, owner.id, { name: "owner's script" })).id,
      bulk: bulkIds.map((id) => {
        const order = bulkOrders.find((o) => o.id === id)!;
        return { orderId: id, imei: order.imei, upstreamOrderId: placedOrder.upstreamOrderId! };
      }),
      // The IMEIs of A's confirmed orders: the ones a list or an export can show.
      imeis: [...imeis.slice(0, 5), ...imeis.slice(8, 10)],
    };
    await reachedBySync();
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
  });

  it("another operator's batch or order is a 404 on every route, the same answer as an id that does not exist", async () => {
    for (const { route, row } of objectRoutes) {
      const id = row.target(owned);
      for (const body of row.bodies?.(owned) ?? [undefined]) {
        const before = await snapshot();
        const theirs = await callObject(route.key, as.other, id, body);
        const missing = await callObject(route.key, as.other, "no-such-id", body);
        expect(theirs.status, `${route.key} ${JSON.stringify(body)}: ${theirs.body}`).toBe(404);
        expect(theirs.type, route.key).toMatch(/^application\/json/);
        expect(JSON.parse(theirs.body), route.key).toMatchObject({ error: { code: "not_found" } });
        expect(theirs.body, route.key).toBe(missing.body);
        // Nothing written, nothing audited, the upstream not asked (resolve "placed" would ask it first).
        expect(await snapshot(), `${route.key} ${JSON.stringify(body)}`).toEqual(before);
      }
    }
  });

  it("a bulk decision refuses another operator's orders exactly like unknown ones, with or without the shop setting, and changes nothing", async () => {
    expect(bulkRoutes.length).toBeGreaterThan(0);
    const unknown: DecisionTarget = {
      orderId: "no-such-id",
      imei: makeImeis(1, 807)[0]!,
      upstreamOrderId: owned.placedUpstreamId,
    };
    const blind = (body: string, t: DecisionTarget) =>
      body.replaceAll(t.orderId, "ORDER").replaceAll(t.imei, "IMEI");
    for (const seeAll of [false, true]) {
      await setOperatorsSeeAll(seeAll);
      for (const { route, row } of bulkRoutes) {
        const target = owned.bulk[0]!;
        const bodies = row.bodies(target);
        const unknownBodies = row.bodies(unknown);
        for (const [i, body] of bodies.entries()) {
          const before = await snapshot();
          const theirs = await callObject(route.key, as.other, "", body);
          const missing = await callObject(route.key, as.other, "", unknownBodies[i]);
          const label = `${route.key} ${JSON.stringify(body)} seeAll=${seeAll}`;
          expect(theirs.status, `${label}: ${theirs.body}`).toBe(200);
          expect(JSON.parse(theirs.body), label).toMatchObject({ resolved: 0, refused: 1 });
          expect(blind(theirs.body, target), label).toBe(blind(missing.body, unknown));
          expect(await snapshot(), label).toEqual(before);
        }
      }
    }
    await setOperatorsSeeAll(false);
  });

  it("the owner and an admin decide in bulk, each audited as themself", async () => {
    for (const { route, row } of bulkRoutes) {
      for (const [caller, user, target] of [
        [as.owner, owner, owned.bulk[0]!],
        [as.admin, admin, owned.bulk[1]!],
      ] as const) {
        const answer = await callObject(route.key, caller, "", row.ownerBody(target));
        expect(answer.status, answer.body).toBe(200);
        expect(JSON.parse(answer.body)).toMatchObject({ resolved: 1, refused: 0 });
        const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { targetId: target.orderId } });
        expect(audit.actorId).toBe(user.id);
        const order = await db.prisma.order.findUniqueOrThrow({ where: { id: target.orderId } });
        expect(order.state).not.toBe("uncertain");
      }
    }
  });

  it("another operator's API tokens are a 404 and not listed, with or without the shop setting; an admin reaches them", async () => {
    const personal = Object.entries(ROUTES).flatMap(([key, row]) =>
      row.kind === "personal" && row.target ? [{ key, id: row.target(owned) }] : [],
    );
    expect(personal.length).toBeGreaterThan(0);
    const listed = async (caller: Caller) => {
      const response = await call("GET /api/v1/tokens", caller);
      expect(response.status).toBe(200);
      return ((await response.json()) as { tokens: { id: string }[] }).tokens.map((t) => t.id);
    };
    for (const seeAll of [false, true]) {
      await setOperatorsSeeAll(seeAll);
      expect(await listed(as.other)).not.toContain(owned.tokenId);
      for (const { key, id } of personal) {
        const theirs = await callObject(key, as.other, id);
        const missing = await callObject(key, as.other, "no-such-id");
        expect(theirs.status, key).toBe(404);
        // The same answer as an unknown id, but for the id itself, which the message repeats.
        expect(theirs.body.replace(id, "ID"), key).toBe(missing.body.replace("no-such-id", "ID"));
      }
    }
    await setOperatorsSeeAll(false);
    const token = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: owned.tokenId } });
    expect(token.revokedAt).toBeNull();
    expect(await listed(as.owner)).toContain(owned.tokenId);
    expect(await listed(as.admin)).toContain(owned.tokenId);
    for (const { key, id } of personal) {
      expect((await callObject(key, as.admin, id)).status, key).toBe(200);
    }
  });

  it("the progress stream of another's batch is a 404 before any event is sent", async () => {
    const response = await call("GET /api/v1/batches/{id}/events", as.other, { id: owned.placedBatchId });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.text()).not.toContain("event:");
  });

  it("lists, the export and sync reach only the caller's own orders", async () => {
    for (const { route, row } of listRoutes) {
      const reached = await row.reach({ call, as: as.other, owned, reachedBySync, resetSyncTurns });
      expect(
        [...reached].filter((imei) => owned.imeis.includes(imei)),
        route.key,
      ).toEqual([]);
    }
    // Their own orders are there: the scope is the caller's, not nobody's.
    const exportRoute = ROUTES["GET /api/v1/orders/export.csv"] as ListRoute;
    const exported = await exportRoute.reach({ call, as: as.other, owned, reachedBySync, resetSyncTurns });
    expect([...exported].sort()).toEqual([...otherImeis].sort());
    expect(sandbox.state.stats.calls.getimeis ?? 0).toBe(0);
  });

  it("the owner sees and reaches their own", async () => {
    for (const { route, row } of objectRoutes.filter((r) => r.row.intent === "see")) {
      expect((await callObject(route.key, as.owner, row.target(owned))).status, route.key).toBe(200);
    }
    for (const { route, row } of listRoutes) {
      const reached = await row.reach({ call, as: as.owner, owned, reachedBySync, resetSyncTurns });
      expect(reached.size, route.key).toBeGreaterThan(0);
      expect(
        [...reached].every((imei) => owned.imeis.includes(imei)),
        route.key,
      ).toBe(true);
    }
  });

  describe("with the shop setting 'operators see all orders'", () => {
    beforeAll(() => setOperatorsSeeAll(true));
    afterAll(() => setOperatorsSeeAll(false));

    it("another operator's batches and orders are visible, and reached by lists, the export and sync", async () => {
      for (const { route, row } of objectRoutes.filter((r) => r.row.intent === "see")) {
        const answer = await callObject(route.key, as.other, row.target(owned));
        expect(answer.status, `${route.key}: ${answer.body}`).toBe(200);
      }
      for (const { route, row } of listRoutes) {
        const reached = await row.reach({ call, as: as.other, owned, reachedBySync, resetSyncTurns });
        const expected = route.key.includes("sync") ? owned.imeis.slice(0, 3) : owned.imeis;
        expect([...reached].filter((imei) => owned.imeis.includes(imei)).sort(), route.key).toEqual(
          [...expected].sort(),
        );
      }
    });

    it("acting on them is a 403 that changes nothing and calls no upstream", async () => {
      for (const { route, row } of objectRoutes.filter((r) => r.row.intent === "act")) {
        for (const body of row.bodies?.(owned) ?? [{}]) {
          const before = await snapshot();
          const answer = await callObject(route.key, as.other, row.target(owned), body);
          expect(answer.status, `${route.key} ${JSON.stringify(body)}: ${answer.body}`).toBe(403);
          expect(JSON.parse(answer.body)).toMatchObject({
            error: { code: "forbidden", message: expect.stringMatching(/only its owner or an admin/) },
          });
          expect(await snapshot(), route.key).toEqual(before);
        }
      }
    });
  });

  it("after the setting is turned off again, another's objects are 404 at once (read per request)", async () => {
    expect((await callObject("GET /api/v1/batches/{id}", as.other, owned.placedBatchId)).status).toBe(404);
  });

  it("an admin sees everything and acts on anyone's objects, and is the audited actor", async () => {
    for (const { route, row } of objectRoutes.filter((r) => r.row.intent === "see")) {
      expect((await callObject(route.key, as.admin, row.target(owned))).status, route.key).toBe(200);
    }
    for (const { route, row } of listRoutes) {
      const reached = await row.reach({ call, as: as.admin, owned, reachedBySync, resetSyncTurns });
      expect(
        owned.imeis.slice(0, 3).every((imei) => reached.has(imei)),
        route.key,
      ).toBe(true);
    }
    for (const { route, row } of objectRoutes.filter((r) => r.row.intent === "act")) {
      const answer = await callObject(route.key, as.admin, row.target(owned), row.adminBody!(owned));
      expect(answer.status, `${route.key}: ${answer.body}`).toBeLessThan(300);
    }
    const resolved = await db.prisma.auditEvent.findFirstOrThrow({
      where: { action: "order.resolve.write_off", targetId: owned.uncertainOrderId },
    });
    expect(resolved.actorId).toBe(admin.id);
    expect((await db.prisma.order.findUniqueOrThrow({ where: { id: owned.uncertainOrderId } })).state).toBe(
      "failed",
    );
  });

  describe("the shop settings routes", () => {
    it("are for admins only: an operator gets a 403 and changes nothing", async () => {
      expect((await call("GET /api/v1/settings", as.other)).status).toBe(403);
      const put = await call("PUT /api/v1/settings", as.other, { body: { operatorsSeeAllOrders: true } });
      expect(put.status).toBe(403);
      expect(await readShopSettings(db)).toEqual({ operatorsSeeAllOrders: false });
    });

    it("refuse a body of the wrong shape with a 422", async () => {
      for (const body of [{}, { operatorsSeeAllOrders: "yes" }, { operatorsSeeAllOrders: true, extra: 1 }]) {
        expect((await call("PUT /api/v1/settings", as.admin, { body })).status, JSON.stringify(body)).toBe(
          422,
        );
      }
    });

    it("store a change, audit it with its actor, and every connection sees it on its next request", async () => {
      // Another process: its own connection to the same database.
      const second: Db = await openDb(db.url, { migrate: false });
      try {
        const read = await call("GET /api/v1/settings", as.admin);
        expect(shopSettingsSchema.parse(await read.json())).toEqual({ operatorsSeeAllOrders: false });
        const since = new Date();
        const put = await call("PUT /api/v1/settings", as.admin, { body: { operatorsSeeAllOrders: true } });
        expect(put.status).toBe(200);
        expect(await put.json()).toEqual({ operatorsSeeAllOrders: true });
        expect(await readShopSettings(second)).toEqual({ operatorsSeeAllOrders: true });
        const throughSecond = await batchRoute.GET.withDeps({ ...deps, db: second })(
          new Request(`http://localhost/api/v1/batches/${owned.placedBatchId}`, {
            headers: { authorization: `Bearer ${as.other.token}` },
          }),
          { params: Promise.resolve({ id: owned.placedBatchId }) },
        );
        expect(throughSecond.status).toBe(200);
        const audit = await db.prisma.auditEvent.findMany({
          where: { action: "settings.update", createdAt: { gte: since } },
        });
        expect(audit.map((a) => [a.actorId, JSON.parse(a.details!)])).toEqual([
          [admin.id, { operatorsSeeAllOrders: { from: false, to: true } }],
        ]);

        // Saving the same value again is no change, and no audit event.
        const audited = () => db.prisma.auditEvent.count({ where: { action: "settings.update" } });
        const before = await audited();
        await call("PUT /api/v1/settings", as.admin, { body: { operatorsSeeAllOrders: true } });
        expect(await audited()).toBe(before);
      } finally {
        await setOperatorsSeeAll(false);
        await second.close();
      }
    });
  });
});
