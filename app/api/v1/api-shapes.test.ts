/**
 * Every JSON answer of the HTTP API v1, produced by the real route handlers on a real database (SQLite and
 * PostgreSQL) with the sandbox upstream, parsed with the schemas the browser uses (lib/<domain>/schemas.ts).
 * A browser schema strips keys it does not know, so each answer must also come out of the schema unchanged:
 * a field the server sends that a schema lacks, or a renamed one, fails here.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { z } from "zod";
import { meSchema } from "@/lib/auth/schemas";
import {
  BATCH_EVENTS,
  batchOrdersPageSchema,
  batchProgressSchema,
  draftSummarySchema,
  parseBatchEvent,
  type BatchEventName,
} from "@/lib/batches/schemas";
import { errorBodySchema, validationDetailsSchema } from "@/lib/errors";
import type { Deps } from "@/lib/api";
import { createApiToken } from "@/lib/auth/tokens";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { SubmissionWorker } from "@/lib/orders/worker";
import { refreshCatalogue } from "@/lib/services/catalogue";
import {
  orderDetailSchema,
  orderResultSchema,
  ordersPageSchema,
  syncResultSchema,
} from "@/lib/orders/schemas";
import { servicesResponseSchema } from "@/lib/services/schemas";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { makeImeis, makeOneOrderUncertain, startSandboxUpstream } from "@/lib/test/engine-fixtures";
import * as batchOrdersRoute from "./batches/[id]/orders/route";
import * as batchRoute from "./batches/[id]/route";
import * as cancelRoute from "./batches/[id]/cancel/route";
import * as confirmRoute from "./batches/[id]/confirm/route";
import * as eventsRoute from "./batches/[id]/events/route";
import * as batchesRoute from "./batches/route";
import * as meRoute from "./me/route";
import * as resolveRoute from "./orders/[id]/resolve/route";
import * as orderRoute from "./orders/[id]/route";
import * as syncRoute from "./orders/sync/route";
import * as ordersRoute from "./orders/route";
import * as servicesRoute from "./services/route";

const SECRET = "api-shapes-test-secret-".padEnd(40, "x");

/** Every v1 route, bound to this suite's own database and sandbox upstream (no engine). */
function bindRoutes(deps: Deps) {
  return {
    me: { GET: meRoute.GET.withDeps(deps) },
    services: { GET: servicesRoute.GET.withDeps(deps) },
    batches: { POST: batchesRoute.POST.withDeps(deps) },
    batch: { GET: batchRoute.GET.withDeps(deps) },
    batchOrders: { GET: batchOrdersRoute.GET.withDeps(deps) },
    confirm: { POST: confirmRoute.POST.withDeps(deps) },
    cancel: { POST: cancelRoute.POST.withDeps(deps) },
    events: { GET: eventsRoute.GET.withDeps(deps) },
    orders: { GET: ordersRoute.GET.withDeps(deps) },
    order: { GET: orderRoute.GET.withDeps(deps) },
    resolve: { POST: resolveRoute.POST.withDeps(deps) },
    sync: { POST: syncRoute.POST.withDeps(deps) },
  };
}
type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;

/** Parses with the schema, and fails if that dropped, added or changed anything the server sent. */
function expectShape<S extends z.ZodType>(schema: S, json: unknown): z.infer<S> {
  const parsed = schema.safeParse(json);
  expect(parsed.error?.issues, JSON.stringify(json).slice(0, 500)).toBeUndefined();
  expect(parsed.data).toEqual(json);
  return parsed.data as z.infer<S>;
}

describeEachDb("API v1 answers match the shared schemas", (provider) => {
  let app: ReturnType<typeof bindRoutes>;
  let sandbox: SandboxHandle;
  let db: TestDb;
  let deps: Deps;
  let token: string;
  const imeis = makeImeis(8, 616);

  async function call(
    handler: unknown,
    input: { path: string; body?: object | string; params?: Record<string, string>; signal?: AbortSignal },
    auth: string | null = token,
  ): Promise<Response> {
    const headers: Record<string, string> = auth ? { authorization: `Bearer ${auth}` } : {};
    if (input.body !== undefined) headers["content-type"] = "application/json";
    const req = new Request(`http://localhost${input.path}`, {
      method: input.body === undefined ? "GET" : "POST",
      headers,
      body: typeof input.body === "object" ? JSON.stringify(input.body) : input.body,
      signal: input.signal,
    });
    return (handler as Handler)(req, { params: Promise.resolve(input.params ?? {}) as Promise<never> });
  }

  /** Calls a handler, expects `status`, and checks the JSON answer against `schema`. */
  async function answer<S extends z.ZodType>(
    schema: S,
    handler: unknown,
    input: Parameters<typeof call>[1],
    status: number,
    auth?: string | null,
  ): Promise<z.infer<S>> {
    const response = await call(handler, input, auth);
    const body: unknown = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(status);
    return expectShape(schema, body);
  }

  /** The events of a batch's stream until `done` (or `stopAfter` events), each parsed by name. */
  async function readEvents(batchId: string, stopAfter: number) {
    const controller = new AbortController();
    const response = await call(app.events.GET, {
      path: `/api/v1/batches/${batchId}/events`,
      params: { id: batchId },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const events: { name: BatchEventName; data: string }[] = [];
    let text = "";
    while (events.length < stopAfter && !events.some((e) => e.name === "done")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = text.indexOf("\n\n")) !== -1) {
        const block = text.slice(0, end);
        text = text.slice(end + 2);
        const name = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (name && data !== undefined) events.push({ name: name as BatchEventName, data });
      }
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    return events;
  }

  beforeAll(async () => {
    // Configuration still read from the environment: the session secret and the shop's spend limit.
    vi.stubEnv("AUTH_SECRET", SECRET);
    vi.stubEnv("DAILY_SPEND_LIMIT", undefined);
    db = await createTestDb(provider);
    const upstream = await startSandboxUpstream();
    sandbox = upstream.sandbox;
    deps = { db, upstream: upstream.client };
    app = bindRoutes(deps);
    await refreshCatalogue(db, deps.upstream);
    const user = await db.prisma.user.create({
      data: { email: "shapes@shop.test", name: "Shapes", passwordHash: "unused", role: "operator" },
    });
    token = (await createApiToken(db, user.id)).token;
  });

  afterAll(async () => {
    await sandbox?.close();
    await db?.drop();
    vi.unstubAllEnvs();
  });

  it("me, services and the error model", async () => {
    await answer(meSchema, app.me.GET, { path: "/api/v1/me" }, 200);
    const { services } = await answer(
      servicesResponseSchema,
      app.services.GET,
      { path: "/api/v1/services" },
      200,
    );
    expect(services.length).toBeGreaterThan(0);

    await answer(errorBodySchema, app.me.GET, { path: "/api/v1/me" }, 401, null);
    await answer(
      errorBodySchema,
      app.batch.GET,
      { path: "/api/v1/batches/nope", params: { id: "nope" } },
      404,
    );
    const invalid = await answer(
      errorBodySchema,
      app.batches.POST,
      { path: "/api/v1/batches", body: { serviceId: "1739", imeis: ["1"] } },
      422,
    );
    expectShape(validationDetailsSchema, invalid.error.details);
  });

  it("a batch's life: draft, progress, events, confirm, orders with results, sync, resolve, cancel", async () => {
    const createDraft = (body: object) =>
      answer(draftSummarySchema, app.batches.POST, { path: "/api/v1/batches", body }, 201);
    const batchAction = (handler: unknown, id: string, action: string, status: number) =>
      answer(
        batchProgressSchema,
        handler,
        { path: `/api/v1/batches/${id}/${action}`, params: { id }, body: {} },
        status,
      );

    const draft = await createDraft({
      serviceId: "1739",
      imeis: [...imeis.slice(0, 4), "12345", imeis[0]!],
      name: "shapes",
    });
    expect(draft.invalid).toHaveLength(1);
    await answer(
      batchProgressSchema,
      app.batch.GET,
      { path: `/api/v1/batches/${draft.id}`, params: { id: draft.id } },
      200,
    );
    const [first] = await readEvents(draft.id, 1);
    expect(first?.name).toBe("progress");
    expect(parseBatchEvent("progress", first!.data)).not.toBeNull();
    expectShape(BATCH_EVENTS.progress, JSON.parse(first!.data));
    await batchAction(app.confirm.POST, draft.id, "confirm", 202);

    // Placed by a worker, then results brought back by "Sync now".
    const worker = new SubmissionWorker({
      db,
      upstream: deps.upstream,
      concurrency: 4,
      idlePollMs: 10,
    });
    worker.start();
    try {
      const queued = () => db.prisma.order.count({ where: { batchId: draft.id, state: "queued" } });
      await expect.poll(queued, { timeout: 20_000 }).toBe(0);
    } finally {
      await worker.stop();
    }
    const sync = { path: "/api/v1/orders/sync", body: { batchId: draft.id } };
    expect((await answer(syncResultSchema, app.sync.POST, sync, 200)).checked).toBe(4);

    const events = await readEvents(draft.id, 10);
    expect(events.at(-1)?.name).toBe("done");
    for (const event of events) {
      expect(parseBatchEvent(event.name, event.data), event.name).not.toBeNull();
      expectShape(BATCH_EVENTS[event.name], JSON.parse(event.data));
    }

    const page = await answer(
      ordersPageSchema,
      app.orders.GET,
      { path: `/api/v1/orders?batchId=${draft.id}` },
      200,
    );
    expect(page.orders).toHaveLength(4);
    for (const order of page.orders) expect(order.result?.text).not.toMatch(/<|^$/);

    // A batch's own list, in upload order; a skipped repeat carries the earlier order it reuses.
    const inOrder = await answer(
      batchOrdersPageSchema,
      app.batchOrders.GET,
      { path: `/api/v1/batches/${draft.id}/orders`, params: { id: draft.id } },
      200,
    );
    expect(inOrder.orders.map((o) => o.line)).toEqual([1, 2, 3, 4]);
    const again = await createDraft({ serviceId: "1739", imeis: [imeis[0]!] });
    await batchAction(app.confirm.POST, again.id, "confirm", 202);
    const reused = await answer(
      batchOrdersPageSchema,
      app.batchOrders.GET,
      { path: `/api/v1/batches/${again.id}/orders?sort=imei&dir=desc`, params: { id: again.id } },
      200,
    );
    expect(reused.orders[0]).toMatchObject({ state: "skipped", price: "0.00" });
    expect(reused.orders[0]!.reusedFrom?.result?.text).toBeTruthy();
    // The stored column itself is exactly the result schema.
    for (const row of await db.prisma.order.findMany({ where: { batchId: draft.id } }))
      expectShape(orderResultSchema, JSON.parse(row.result!));

    const one = page.orders[0]!;
    const detail = await answer(
      orderDetailSchema,
      app.order.GET,
      { path: `/api/v1/orders/${one.id}`, params: { id: one.id } },
      200,
    );
    expect(detail.events.length).toBeGreaterThan(0);
    // What the order page shows: the batch by its name, and the checks (none due: the order is final).
    const batchRow = await db.prisma.batch.findUniqueOrThrow({ where: { id: draft.id } });
    expect(detail.batchSourceName).toBe(batchRow.sourceName);
    expect(detail.state).toBe("completed");
    expect(detail.checkCount).toBeGreaterThan(0);
    expect(detail.lastCheckedAt).not.toBeNull();
    expect(detail.nextCheckAt).toBeNull();

    // An order whose outcome is unknown, written off by a person; then its batch cancelled.
    const second = await createDraft({ serviceId: "1739", imeis: imeis.slice(4, 6) });
    await batchAction(app.confirm.POST, second.id, "confirm", 202);
    const uncertainId = await makeOneOrderUncertain(db, second.id);
    const resolve = {
      path: `/api/v1/orders/${uncertainId}/resolve`,
      params: { id: uncertainId },
      body: { action: "write_off" },
    };
    expect((await answer(orderDetailSchema, app.resolve.POST, resolve, 200)).state).toBe("failed");
    expect((await batchAction(app.cancel.POST, second.id, "cancel", 200)).status).toBe("cancelled");

    // The same IMEIs again: the draft lists the earlier orders.
    const repeat = await createDraft({ serviceId: "1739", imeis: imeis.slice(0, 2) });
    expect(repeat.alreadyOrdered).toHaveLength(2);
  });
});
