/**
 * POST /api/v1/orders/resolve-bulk through the route handler, on both databases, against the sandbox: the
 * upstream charged every order and dropped its answer, so each is uncertain and paid. A person writes off
 * or queues again many at once, or pastes `IMEI, order id` pairs that are verified with `getimeis`; each
 * line or order gets its own answer, and one refused never stops the others.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Deps } from "@/lib/api";
import { actingScopeOf } from "@/lib/auth/permissions";
import { createApiToken } from "@/lib/auth/tokens";
import type { AppUser } from "@/lib/auth/users";
import { confirmBatch } from "@/lib/batches/confirm";
import { createDraft } from "@/lib/batches/create-draft";
import { getBatchProgress } from "@/lib/batches/progress";
import { toDecimalString } from "@/lib/money";
import { parsePastedPairs } from "@/lib/orders/paste-pairs";
import { bulkResolveResultSchema, type BulkResolveResult } from "@/lib/orders/schemas";
import { SubmissionWorker } from "@/lib/orders/worker";
import { describeEachDb } from "@/lib/test/db";
import {
  createEngineFixture,
  insertUser,
  makeImeis,
  makeOneOrderUncertain,
  waitFor,
  type EngineFixture,
} from "@/lib/test/engine-fixtures";
import { captureLogs, checkEventHistory, countInFlight } from "@/lib/test/order-invariants";
import * as bulkRoute from "./route";

describeEachDb("POST /api/v1/orders/resolve-bulk", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  let post: ReturnType<typeof bulkRoute.POST.withDeps>;
  let token: string;
  let batchId: string;
  let intruder: AppUser;
  let intruderToken: string;
  const imeis = makeImeis(8, 612);
  const [placedImei] = makeImeis(1, 613);
  const orderOf = (imei: string) => f.db.prisma.order.findFirstOrThrow({ where: { imei, batchId } });
  const upstreamIdOf = (imei: string) => {
    const charges = f.sandbox.state.charges.filter((c) => c.imei === imei);
    expect(charges).toHaveLength(1);
    return charges[0]!.orderId;
  };

  async function runWorkerUntilIdle(ids: string[]) {
    const worker = new SubmissionWorker({ db: f.db, upstream: f.client, concurrency: 4, idlePollMs: 10 });
    worker.start();
    try {
      await waitFor(async () => (await countInFlight(f.db, ids)) === 0, 20_000, "the worker to finish");
    } finally {
      await worker.stop();
    }
  }

  async function call(body: unknown, bearer = token): Promise<{ status: number; json: unknown }> {
    const response = await post(
      new Request("http://localhost/api/v1/orders/resolve-bulk", {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      { params: Promise.resolve({}) },
    );
    return { status: response.status, json: await response.json() };
  }
  const decide = async (body: unknown, bearer?: string): Promise<BulkResolveResult> => {
    const answer = await call(body, bearer);
    expect(answer.status, JSON.stringify(answer.json)).toBe(200);
    return bulkResolveResultSchema.parse(answer.json);
  };

  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
    const deps: Deps = { db: f.db, upstream: f.client };
    post = bulkRoute.POST.withDeps(deps);
    token = (await createApiToken(f.db, f.operator.id)).token;
    intruder = await insertUser(f.db, "intruder@test.local", "operator");
    intruderToken = (await createApiToken(f.db, intruder.id)).token;

    // One order placed normally: its id is "another IMEI's" order, and "already linked".
    const placed = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [placedImei!] });
    await confirmBatch(f.db, f.operator, placed.id);
    await runWorkerUntilIdle([placed.id]);

    // The upstream charges, then drops the connection: every order uncertain, and paid.
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis });
    batchId = draft.id;
    await confirmBatch(f.db, f.operator, batchId);
    f.sandbox.state.setFaults({ seed: 2, dropAfterCharge: 1 });
    await runWorkerUntilIdle([batchId]);
    f.sandbox.state.setFaults({});
    expect(await f.db.prisma.order.count({ where: { batchId, state: "uncertain" } })).toBe(imeis.length);
  });
  afterAll(async () => {
    await f?.close();
    logs?.restore();
  });

  it("writes off many at once, each audited as the person; an own decided order and an unknown id are refused", async () => {
    const [a, b] = await Promise.all([orderOf(imeis[0]!), orderOf(imeis[1]!)]);
    const placed = await f.db.prisma.order.findFirstOrThrow({ where: { imei: placedImei } });
    const result = await decide({
      action: "write_off",
      orderIds: [a.id, b.id, a.id, placed.id, "no-such-id"],
      note: "asked for a refund",
    });
    expect(result).toMatchObject({ action: "write_off", resolved: 2, refused: 2 });
    expect(result.results.map((r) => [r.orderId, r.outcome, r.code])).toEqual([
      [a.id, "resolved", null],
      [b.id, "resolved", null],
      [placed.id, "refused", "conflict"],
      ["no-such-id", "refused", "not_found"],
    ]);
    expect(result.results[2]!.message).toMatch(/not uncertain/);
    for (const order of [a, b]) {
      expect(await f.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({
        state: "failed",
        errorKind: "written_off",
        stateReason: "resolved: written off (asked for a refund)",
        stateActor: `user:${f.operator.id}`,
      });
      const audit = await f.db.prisma.auditEvent.findMany({ where: { targetId: order.id } });
      expect(audit.map((e) => [e.action, e.actorId])).toEqual([["order.resolve.write_off", f.operator.id]]);
    }
    // They may have been charged: the batch's cost keeps them, apart from what was surely placed.
    const progress = await getBatchProgress(f.db, batchId, actingScopeOf(f.operator));
    expect(progress.cost.writtenOff).toBe(toDecimalString(a.priceMicros + b.priceMicros));
    expect(progress.counts.failed).toBe(2);
  });

  it("queues many again; the upstream's duplicate refusal hands the paid ones back, never charged twice", async () => {
    const [c, d] = await Promise.all([orderOf(imeis[2]!), orderOf(imeis[3]!)]);
    const result = await decide({ action: "not_placed", orderIds: [c.id, d.id] });
    expect(result).toMatchObject({ resolved: 2, refused: 0 });
    for (const order of [c, d]) {
      expect((await f.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).state).toBe("queued");
    }
    await runWorkerUntilIdle([batchId]);
    for (const imei of [imeis[2]!, imeis[3]!]) {
      upstreamIdOf(imei);
      expect(await orderOf(imei)).toMatchObject({ state: "uncertain", errorKind: "placed_earlier" });
    }
  });

  it("pasted pairs: the right ids are linked after one getimeis call; every other line says why, by line number", async () => {
    // The same IMEI in a second batch, already linked in the first: its id belongs to another order.
    const repeat = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: [placedImei!] });
    await confirmBatch(f.db, f.operator, repeat.id, { reorderRepeats: true });
    await makeOneOrderUncertain(f.db, repeat.id);
    const [unknownImei] = makeImeis(1, 614);
    const text = [
      "IMEI\tOrder ID",
      `${imeis[4]}\t${upstreamIdOf(imeis[4]!)}`,
      ` ${imeis[5]} , ${upstreamIdOf(imeis[7]!)} `,
      `${imeis[6]};99999999`,
      `${unknownImei},${upstreamIdOf(imeis[6]!)}`,
      `${imeis[4]}\t${upstreamIdOf(imeis[5]!)}`,
      `${placedImei} ${upstreamIdOf(placedImei!)}`,
      "",
      `${upstreamIdOf(imeis[2]!)}\t${imeis[2]}`,
    ].join("\r\n");
    const { pairs, errors } = parsePastedPairs(text);
    expect(errors).toEqual([]);
    const before = f.sandbox.state.stats.calls.getimeis ?? 0;
    const result = await decide({ action: "placed", pairs });
    expect(result.results.map((r) => [r.line, r.outcome, r.code])).toEqual([
      [2, "resolved", null],
      [3, "refused", "validation_failed"],
      [4, "refused", "validation_failed"],
      [5, "refused", "not_found"],
      [6, "refused", "conflict"],
      [7, "refused", "conflict"],
      [9, "resolved", null],
    ]);
    const messages = result.results.map((r) => r.message);
    expect(messages[1]).toContain(`is for IMEI ${imeis[7]}`);
    expect(messages[2]).toContain("has no order 99999999");
    expect(messages[3]).toBe(`No uncertain order you may decide has IMEI ${unknownImei}.`);
    expect(messages[4]).toBe(`IMEI ${imeis[4]} is also on line 2.`);
    expect(messages[5]).toMatch(/already belongs to another order/);
    expect(result).toMatchObject({ resolved: 2, refused: 5 });
    // One call for the five ids, one more for the id the answer left out (asked alone before "unknown").
    expect((f.sandbox.state.stats.calls.getimeis ?? 0) - before).toBe(2);
    for (const imei of [imeis[4]!, imeis[2]!]) {
      expect(await orderOf(imei)).toMatchObject({ state: "submitted", upstreamOrderId: upstreamIdOf(imei) });
    }
    for (const imei of [imeis[5]!, imeis[6]!]) expect((await orderOf(imei)).state).toBe("uncertain");
  });

  it("another operator's ids and IMEIs are refused like unknown ones: nothing changes, the upstream is not asked", async () => {
    const order = await orderOf(imeis[5]!);
    const calls = { ...f.sandbox.state.stats.calls };
    for (const body of [
      { action: "write_off", orderIds: [order.id] },
      { action: "not_placed", orderIds: [order.id] },
      { action: "placed", pairs: [{ imei: imeis[5], upstreamOrderId: upstreamIdOf(imeis[5]!) }] },
    ]) {
      const result = await decide(body, intruderToken);
      expect(result).toMatchObject({ resolved: 0, refused: 1 });
      expect(result.results[0]!.code).toBe("not_found");
    }
    expect(await orderOf(imeis[5]!)).toMatchObject({ state: "uncertain", updatedAt: order.updatedAt });
    expect(f.sandbox.state.stats.calls).toEqual(calls);
    expect(
      await f.db.prisma.auditEvent.count({
        where: { actorId: intruder.id, action: { startsWith: "order." } },
      }),
    ).toBe(0);
  });

  it("refuses a request over 1,000 orders, or an empty one, as a whole", async () => {
    const tooMany = Array.from({ length: 1001 }, (_, i) => `id-${i}`);
    expect((await call({ action: "write_off", orderIds: tooMany })).status).toBe(422);
    expect((await call({ action: "write_off", orderIds: [] })).status).toBe(422);
    expect((await call({ action: "placed", pairs: [{ imei: "12", upstreamOrderId: "1" }] })).status).toBe(
      422,
    );
  });

  it("every change followed the state machine", async () => {
    const batches = await f.db.prisma.batch.findMany({ select: { id: true } });
    const { violations } = await checkEventHistory(
      f.db,
      batches.map((b) => b.id),
    );
    expect(violations).toEqual([]);
  });
});
