/**
 * The public HTTP API v1 for batches and orders, through the exported route handlers bound to this
 * file's own dependencies: real bearer tokens, a real SQLite database and the sandbox upstream over
 * HTTP, no order engine. One provider is enough here: the stores below are tested on both elsewhere.
 */
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as exportCsvRoute from "@/app/api/v1/orders/export.csv/route";
import * as ordersRoute from "@/app/api/v1/orders/route";
import * as syncRoute from "@/app/api/v1/orders/sync/route";
import type { Deps } from "@/lib/api";
import { createApiToken } from "@/lib/auth/tokens";
import type { SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { priceChangedDetailsSchema } from "@/lib/batches/schemas";
import { setLogSink } from "@/lib/log";
import { SubmissionWorker } from "@/lib/orders/worker";
import { refreshCatalogue } from "@/lib/services/catalogue";
import { createTestDb, type TestDb } from "@/lib/test/db";
import { makeImeis, startSandboxUpstream } from "@/lib/test/engine-fixtures";
import * as cancelRoute from "./[id]/cancel/route";
import * as confirmRoute from "./[id]/confirm/route";
import * as eventsRoute from "./[id]/events/route";
import * as batchRoute from "./[id]/route";
import * as batchesRoute from "./route";

const SECRET = "batches-route-test-secret-".padEnd(40, "x");
const EXPORT_HEADER =
  "SERVICE,IMEI NO.,CREDITS,STATUS,CODE,IMEI 2,CARRIER,SIMLOCK,MODEL,FMI,ORDER DATE,UPSTREAM ID,STATE";

function bindRoutes(deps: Deps) {
  return {
    batches: { POST: batchesRoute.POST.withDeps(deps) },
    batch: { GET: batchRoute.GET.withDeps(deps) },
    confirm: { POST: confirmRoute.POST.withDeps(deps) },
    cancel: { POST: cancelRoute.POST.withDeps(deps) },
    events: { GET: eventsRoute.GET.withDeps(deps) },
    orders: { GET: ordersRoute.GET.withDeps(deps) },
    exportCsv: { GET: exportCsvRoute.GET.withDeps(deps) },
    sync: { POST: syncRoute.POST.withDeps(deps) },
  };
}
type App = ReturnType<typeof bindRoutes>;
type Handler = (req: Request, ctx: { params: Promise<never> }) => Promise<Response>;
type ErrorJson = {
  error: {
    code: string;
    message: string;
    details?: { issues?: { field: string; line?: number; message: string }[] };
  };
};

describe("HTTP API v1: batches and orders [sqlite]", () => {
  let app: App;
  let sandbox: SandboxHandle;
  let db: TestDb;
  let deps: Deps;
  let restoreLog: () => void;
  const logLines: { level: string; line: string }[] = [];
  let token: string;
  let otherToken: string;
  const imeis = makeImeis(12, 515);

  /** Calls a route handler as Next.js would. */
  async function call(
    handler: unknown,
    input: {
      method?: string;
      path: string;
      token?: string | null;
      body?: string | object;
      params?: Record<string, string>;
      signal?: AbortSignal;
    },
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    const auth = input.token === undefined ? token : input.token;
    if (auth) headers.authorization = `Bearer ${auth}`;
    let body: string | undefined;
    if (input.body !== undefined) {
      headers["content-type"] = "application/json";
      body = typeof input.body === "string" ? input.body : JSON.stringify(input.body);
    }
    const req = new Request(`http://localhost${input.path}`, {
      method: input.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      signal: input.signal,
    });
    return (handler as Handler)(req, { params: Promise.resolve(input.params ?? {}) as Promise<never> });
  }

  async function expectError(response: Response, status: number, code: string): Promise<ErrorJson["error"]> {
    expect(response.status).toBe(status);
    const json = (await response.json()) as ErrorJson;
    expect(json.error.code).toBe(code);
    return json.error;
  }

  async function createBatch(body: object, as = token): Promise<{ id: string } & Record<string, unknown>> {
    const response = await call(app.batches.POST, { path: "/api/v1/batches", body, token: as });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  }

  async function placeAll(batchId: string): Promise<void> {
    const worker = new SubmissionWorker({
      db,
      upstream: deps.upstream,
      concurrency: 4,
      idlePollMs: 10,
    });
    worker.start();
    try {
      for (let i = 0; i < 400; i += 1) {
        const open = await db.prisma.order.count({
          where: { batchId, state: { in: ["queued", "submitting"] } },
        });
        if (open === 0) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error("orders not placed in time");
    } finally {
      await worker.stop();
    }
  }

  beforeAll(async () => {
    // Configuration still read from the environment: the session secret and the shop's spend limit.
    vi.stubEnv("AUTH_SECRET", SECRET);
    vi.stubEnv("DAILY_SPEND_LIMIT", undefined);
    db = await createTestDb("sqlite");
    const upstream = await startSandboxUpstream();
    sandbox = upstream.sandbox;
    deps = { db, upstream: upstream.client };
    app = bindRoutes(deps);
    restoreLog = setLogSink((level, line) => logLines.push({ level, line }));

    await refreshCatalogue(db, deps.upstream);
    const insert = (email: string) =>
      db.prisma.user.create({ data: { email, name: email, passwordHash: "unused", role: "operator" } });
    token = (await createApiToken(db, (await insert("api-op@shop.test")).id)).token;
    otherToken = (await createApiToken(db, (await insert("api-other@shop.test")).id)).token;
  });

  afterAll(async () => {
    restoreLog?.();
    await sandbox?.close();
    await db?.drop();
    vi.unstubAllEnvs();
  });

  it("401 without a token, on every route", async () => {
    const params = { id: "anything" };
    const routes: [unknown, string, string | undefined][] = [
      [app.batches.POST, "/api/v1/batches", "{}"],
      [app.batch.GET, "/api/v1/batches/anything", undefined],
      [app.confirm.POST, "/api/v1/batches/anything/confirm", ""],
      [app.cancel.POST, "/api/v1/batches/anything/cancel", ""],
      [app.events.GET, "/api/v1/batches/anything/events", undefined],
      [app.orders.GET, "/api/v1/orders", undefined],
      [app.exportCsv.GET, "/api/v1/orders/export.csv", undefined],
      [app.sync.POST, "/api/v1/orders/sync", ""],
    ];
    for (const [handler, path, body] of routes) {
      const error = await expectError(
        await call(handler, { path, body, token: null, params }),
        401,
        "unauthorized",
      );
      expect(error.message).toMatch(/Bearer/);
      await expectError(
        await call(handler, { path, body, token: "imd_not-a-token", params }),
        401,
        "unauthorized",
      );
    }
    expect(sandbox.state.stats.calls.placeorder ?? 0).toBe(0);
  });

  it("POST /api/v1/batches answers 201 with the documented draft fields", async () => {
    const [a, b] = imeis;
    const response = await call(app.batches.POST, {
      path: "/api/v1/batches",
      body: { serviceId: "1739", imeis: [a, b, "12345", a], name: "api test" },
    });
    expect(response.status).toBe(201);
    const draft = (await response.json()) as Record<string, unknown>;
    expect(draft).toMatchObject({
      id: expect.any(String),
      status: "draft",
      total: 4,
      toSubmit: 2,
      invalid: [{ line: 3, value: "12345", reason: expect.stringMatching(/5 digits/) }],
      duplicatesInBatch: 1,
      alreadyOrdered: [],
      estimatedCost: "0.16",
    });
    const csv = await createBatch({
      serviceId: "1739",
      csv: `\uFEFFIMEI;Note\r\n${imeis[2]};x\r\n3.53979E+14;y\r\n`,
    });
    expect(csv).toMatchObject({
      status: "draft",
      toSubmit: 1,
      invalid: [{ line: 3, value: "3.53979E+14", reason: expect.any(String) }],
    });
    expect(sandbox.state.stats.calls.placeorder ?? 0).toBe(0); // a draft places nothing
  });

  it("422 names the field and line; 400 for a body that is not JSON", async () => {
    const path = "/api/v1/batches";
    const unknown = await expectError(
      await call(app.batches.POST, { path, body: { serviceId: "424242", imeis: [imeis[0]] } }),
      422,
      "validation_failed",
    );
    expect(unknown.message).toMatch(/^serviceId/);
    expect(unknown.details?.issues?.[0]?.field).toBe("serviceId");

    const badItem = await expectError(
      await call(app.batches.POST, { path, body: { serviceId: "1739", imeis: [imeis[0], 353979106673567] } }),
      422,
      "validation_failed",
    );
    expect(badItem.details?.issues?.[0]).toMatchObject({ field: "imeis.1", line: 2 });
    expect(badItem.message).toMatch(/^imeis\.1 \(line 2\)/);

    const noService = await expectError(
      await call(app.batches.POST, { path, body: { imeis: [imeis[0]] } }),
      422,
      "validation_failed",
    );
    expect(noService.details?.issues?.[0]?.field).toBe("serviceId");
    const both = await expectError(
      await call(app.batches.POST, { path, body: { serviceId: "1739", imeis: [imeis[0]], csv: "imei" } }),
      422,
      "validation_failed",
    );
    expect(both.message).toMatch(/either imeis or csv/);
    const noneValid = await expectError(
      await call(app.batches.POST, {
        path,
        body: { serviceId: "1739", imeis: ["1", imeis[0]!.slice(0, 14)] },
      }),
      422,
      "validation_failed",
    );
    expect(noneValid.details?.issues?.map((i) => i.line)).toEqual([1, 2]);

    await expectError(
      await call(app.batches.POST, { path, body: "serviceId=1739&imeis=1" }),
      400,
      "bad_request",
    );
    await expectError(await call(app.batches.POST, { path, body: "" }), 400, "bad_request");
    await expectError(
      await call(app.confirm.POST, { path: "/api/v1/batches/x/confirm", body: "{", params: { id: "x" } }),
      400,
      "bad_request",
    );
  });

  it("GET progress, confirm (202), and the batch placed; another operator gets 404", async () => {
    const draft = await createBatch({ serviceId: "1739", imeis: imeis.slice(3, 7) });
    const path = `/api/v1/batches/${draft.id}`;
    const before = await call(app.batch.GET, { path, params: { id: draft.id } });
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({
      id: draft.id,
      status: "draft",
      total: 4,
      counts: {
        queued: 0,
        submitting: 0,
        submitted: 0,
        completed: 0,
        rejected: 0,
        duplicate: 0,
        failed: 0,
        uncertain: 0,
        cancelled: 0,
      },
      cost: { estimated: "0.32", placed: "0.00" },
    });
    await expectError(
      await call(app.batch.GET, { path: "/api/v1/batches/nope", params: { id: "nope" } }),
      404,
      "not_found",
    );
    await expectError(
      await call(app.confirm.POST, {
        path: `${path}/confirm`,
        body: "",
        params: { id: draft.id },
        token: otherToken,
      }),
      404,
      "not_found",
    );

    const confirmed = await call(app.confirm.POST, {
      path: `${path}/confirm`,
      body: "",
      params: { id: draft.id },
    });
    expect(confirmed.status).toBe(202);
    expect(await confirmed.json()).toMatchObject({ id: draft.id, status: "queued", counts: { queued: 4 } });
    await expectError(
      await call(app.confirm.POST, {
        path: `${path}/confirm`,
        body: { reorderRepeats: "yes" },
        params: { id: draft.id },
      }),
      422,
      "validation_failed",
    );

    await placeAll(draft.id);
    const after = (await (await call(app.batch.GET, { path, params: { id: draft.id } })).json()) as {
      counts: Record<string, number>;
      cost: Record<string, string>;
    };
    expect(after.counts.submitted).toBe(4);
    expect(after.cost.placed).toBe("0.32");
    expect(sandbox.state.charges).toHaveLength(4);
  });

  it("GET /events streams `event: progress` from the database", async () => {
    const draft = await createBatch({ serviceId: "1739", imeis: [imeis[7]] });
    const controller = new AbortController();
    const response = await call(app.events.GET, {
      path: `/api/v1/batches/${draft.id}/events`,
      params: { id: draft.id },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("event: progress")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    const event = /event: progress\nid: (\d+)\ndata: (.*)\n\n/.exec(text);
    expect(event, text).not.toBeNull();
    expect(JSON.parse(event![2]!)).toMatchObject({ id: draft.id, status: "draft", toSubmit: 1 });
    await expectError(
      await call(app.events.GET, { path: "/api/v1/batches/nope/events", params: { id: "nope" } }),
      404,
      "not_found",
    );
  });

  it("GET /events: a draft's stream ends with `draft`; the 11th open stream of one user is a 429", async () => {
    const draft = await createBatch({ serviceId: "1739", imeis: [imeis[1]] }, otherToken);
    const events = (id: string, as = otherToken) =>
      call(app.events.GET, { path: `/api/v1/batches/${id}/events`, params: { id }, token: as });
    const ofDraft = await (await events(draft.id)).text();
    expect(ofDraft).toMatch(/event: progress\nid: 1\n[^]*event: draft\nid: 2\n/);

    await call(app.confirm.POST, {
      path: `/api/v1/batches/${draft.id}/confirm`,
      body: "",
      params: { id: draft.id },
      token: otherToken,
    });
    const open = await Promise.all(Array.from({ length: 10 }, () => events(draft.id)));
    expect(open.map((r) => r.status)).toEqual(Array(10).fill(200));
    const refused = await expectError(await events(draft.id), 429, "rate_limited");
    expect(refused.message).toMatch(/already follow 10 batches live/);
    await open[0]!.body!.cancel();
    const reopened = await events(draft.id);
    expect(reopened.status).toBe(200);
    await Promise.all([reopened, ...open.slice(1)].map((r) => r.body!.cancel()));
  });

  it("POST /cancel cancels the queued orders; again is harmless; not another operator's", async () => {
    const draft = await createBatch({ serviceId: "1739", imeis: imeis.slice(8, 11) });
    const path = `/api/v1/batches/${draft.id}/cancel`;
    expect(
      (
        await call(app.confirm.POST, {
          path: `/api/v1/batches/${draft.id}/confirm`,
          body: "",
          params: { id: draft.id },
        })
      ).status,
    ).toBe(202);
    await expectError(
      await call(app.cancel.POST, { path, body: "", params: { id: draft.id }, token: otherToken }),
      404,
      "not_found",
    );
    const cancelled = await call(app.cancel.POST, { path, body: "", params: { id: draft.id } });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({
      id: draft.id,
      status: "cancelled",
      counts: { cancelled: 3, queued: 0 },
    });
    expect((await call(app.cancel.POST, { path, body: "", params: { id: draft.id } })).status).toBe(200);
    // Nothing of it was ever placed.
    expect(sandbox.state.charges.filter((c) => imeis.slice(8, 11).includes(c.imei))).toEqual([]);
  });

  it("GET /api/v1/orders filters by an IMEI list, status and batch, and pages with limit + cursor", async () => {
    const placed = imeis.slice(3, 7);
    const list = async (query: string) => {
      const response = await call(app.orders.GET, { path: `/api/v1/orders?${query}` });
      expect(response.status).toBe(200);
      return (await response.json()) as {
        orders: {
          id: string;
          imei: string;
          state: string;
          batchId: string;
          upstreamOrderId: string | null;
          price: string;
        }[];
        nextCursor: string | null;
      };
    };
    const byImei = await list(
      `imei=${encodeURIComponent(`${placed[0]}, ${placed[1]}\n${placed[2]} 35-${"x"}`)}`,
    );
    expect(byImei.orders.map((o) => o.imei).sort()).toEqual([placed[0], placed[1], placed[2]].sort());
    expect(
      byImei.orders.every((o) => o.state === "submitted" && o.upstreamOrderId && o.price === "0.08"),
    ).toBe(true);

    const submitted = await list("status=submitted");
    expect(submitted.orders.map((o) => o.imei).sort()).toEqual([...placed].sort());
    const cancelled = await list("status=cancelled");
    expect(cancelled.orders).toHaveLength(3);

    const batchId = byImei.orders[0]!.batchId;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`batchId=${batchId}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.orders.length).toBeLessThanOrEqual(3);
      expect(page.orders.every((o) => o.batchId === batchId)).toBe(true);
      seen.push(...page.orders.map((o) => o.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(4);

    const bad = await expectError(
      await call(app.orders.GET, { path: "/api/v1/orders?status=lost" }),
      422,
      "validation_failed",
    );
    expect(bad.details?.issues?.[0]?.field).toBe("status");
    await expectError(
      await call(app.orders.GET, { path: "/api/v1/orders?limit=0" }),
      422,
      "validation_failed",
    );
  });

  it("POST /confirm checks the upstream's price: 409 price_changed with the new total, then 202 at it", async () => {
    const draft = await createBatch({ serviceId: "1742", imeis: imeis.slice(11, 12) });
    sandbox.state.setCatalogueChanges({ prices: { "1742": "0.07" } });
    // The catalogue was last refreshed more than a minute ago.
    await db.write((p) => p.service.updateMany({ data: { refreshedAt: new Date(Date.now() - 120_000) } }));
    const confirm = (body: object) =>
      call(app.confirm.POST, { path: `/api/v1/batches/${draft.id}/confirm`, body, params: { id: draft.id } });
    try {
      const refused = await expectError(await confirm({}), 409, "price_changed");
      expect(priceChangedDetailsSchema.parse(refused.details)).toEqual({
        serviceId: "1742",
        previousUnitPrice: "0.05",
        unitPrice: "0.07",
        estimatedCost: "0.07",
        estimatedCostWithRepeats: "0.07",
      });
      await expectError(await confirm({ unitPrice: "0.05" }), 409, "price_changed");
      const placed = await confirm({ unitPrice: "0.07" });
      expect(placed.status).toBe(202);
      expect(await placed.json()).toMatchObject({ status: "queued", cost: { estimated: "0.07" } });
    } finally {
      sandbox.state.setCatalogueChanges({});
      await refreshCatalogue(db, deps.upstream);
    }
  });

  it("an IMEI filter without digits is a 422 that says why, for the list and the export, never every order", async () => {
    for (const imei of ["abc", ",,,", "", `${imeis[3]}, n/a`]) {
      const query = `imei=${encodeURIComponent(imei)}`;
      for (const handler of [app.orders.GET, app.exportCsv.GET]) {
        const error = await expectError(
          await call(handler, { path: `/api/v1/orders?${query}` }),
          422,
          "validation_failed",
        );
        expect(error.message).toMatch(/^imei: .*has no digits/);
        expect(error.details?.issues?.[0]?.field).toBe("imei");
      }
    }
    expect(await db.prisma.auditEvent.count({ where: { action: "orders.export" } })).toBe(0);
  });

  it("POST /api/v1/orders/sync returns counts; GET export.csv streams the Advanced Export columns, one row per order", async () => {
    const empty = await call(app.sync.POST, { path: "/api/v1/orders/sync", body: "" });
    expect(empty.status).toBe(200);
    const counts = (await empty.json()) as Record<string, number>;
    expect(counts).toEqual({
      checked: 4,
      completed: expect.any(Number),
      rejected: expect.any(Number),
      stillOpen: 0,
      missing: 0,
    });
    expect(counts.completed! + counts.rejected!).toBe(4);
    // The same user again within 10 s is throttled (429 with Retry-After); another user is not.
    const tooSoon = await call(app.sync.POST, {
      path: "/api/v1/orders/sync",
      body: { batchId: "nothing-here" },
    });
    const throttled = await expectError(tooSoon, 429, "rate_limited");
    expect(throttled.message).toMatch(/Try again in \d+ s/);
    expect(Number(tooSoon.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(tooSoon.headers.get("retry-after"))).toBeLessThanOrEqual(10);
    const again = await call(app.sync.POST, {
      path: "/api/v1/orders/sync",
      body: { batchId: "nothing-here" },
      token: otherToken,
    });
    expect(await again.json()).toEqual({ checked: 0, completed: 0, rejected: 0, stillOpen: 0, missing: 0 });
    await expectError(
      await call(app.sync.POST, { path: "/api/v1/orders/sync", body: { everything: true } }),
      422,
      "validation_failed",
    );

    const placed = imeis.slice(3, 7);
    const response = await call(app.exportCsv.GET, {
      path: `/api/v1/orders/export.csv?imei=${placed.join(",")}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(
      /attachment; filename="imei-desk-orders-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const text = await response.text();
    expect(text.split("\r\n")[0]).toBe(EXPORT_HEADER);
    const rows = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true }).data;
    expect(rows).toHaveLength(1 + placed.length);
    const body = rows.slice(1);
    expect(body.map((r) => r[1]).sort()).toEqual([...placed].sort());
    for (const row of body) {
      expect(row).toHaveLength(13);
      expect(row[0]).toMatch(/Apple iPhone IMEI Carrier/); // SERVICE is the title
      expect(row[2]).toBe("0.08"); // CREDITS: a plain number a spreadsheet adds up
      expect(["completed", "rejected"]).toContain(row[12]); // STATE after the sync
      expect(row[10]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/); // ORDER DATE
    }
    expect(await db.prisma.auditEvent.count({ where: { action: "orders.export" } })).toBe(1);
    expect(logLines.filter((l) => l.level === "error")).toEqual([]);
  });
});
