/**
 * A running batch's pace (orders/s, time left, phase) and the "GSM Fusion is not answering" signal, both
 * read from stored orders: exact figures from orders placed at known times, and the signal from a real
 * worker (in this process, and as `npm run worker` in another) against the sandbox's 503 fault.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actingScopeOf } from "@/lib/auth/permissions";
import { describeEachDb } from "@/lib/test/db";
import {
  createEngineFixture,
  makeImeis,
  startSandboxUpstream,
  waitFor,
  type EngineFixture,
} from "@/lib/test/engine-fixtures";
import { captureLogs } from "@/lib/test/order-invariants";
import { spawnWorkerProcess } from "@/lib/test/worker-process";
import {
  claimQueuedOrders,
  markSubmitting,
  recordPlaced,
  requeueNotProcessed,
} from "@/lib/orders/transitions";
import { SubmissionWorker } from "@/lib/orders/worker";
import { confirmBatch } from "./confirm";
import { createDraft } from "./create-draft";
import {
  computePace,
  PACE_WINDOW_MS,
  readBatchPace,
  readUpstreamSignal,
  UPSTREAM_SIGNAL_FRESH_MS,
} from "./pace";
import { describePace, formatRate, formatTimeLeft, upstreamBannerTitle } from "./pace-text";
import { getBatchProgress } from "./progress";

const counts = (queued: number, submitting = 0, submitted = 0) => ({ queued, submitting, submitted });

describe("computePace", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const ago = (s: number) => new Date(now.getTime() - s * 1000);

  it("has no rate and no time left before anything was sent, or in the first seconds", () => {
    const none = computePace({ status: "running", counts: counts(50), answered: 0, since: null, now });
    expect(none).toEqual({
      phase: "placing",
      perSecond: null,
      secondsLeft: null,
      toPlace: 50,
      waitingForResults: 0,
    });
    expect(describePace(none)).toBe("Placing 50 orders · measuring the pace…");
    const early = computePace({ status: "running", counts: counts(50), answered: 40, since: ago(2), now });
    expect(early?.perSecond).toBeNull();
    expect(early?.secondsLeft).toBeNull();
  });

  it("divides the answers by the time they took, and the orders left by the rate", () => {
    const pace = computePace({
      status: "running",
      counts: counts(2_220, 8, 100),
      answered: 744,
      since: ago(60),
      now,
    });
    expect(pace).toEqual({
      phase: "placing",
      perSecond: 12.4,
      secondsLeft: 180,
      toPlace: 2_228,
      waitingForResults: 100,
    });
    expect(describePace(pace)).toBe("12.4 orders/s · about 3 min left");
  });

  it("says 0 (no time left to guess) when nothing was answered in a whole window", () => {
    const stalled = computePace({ status: "running", counts: counts(30), answered: 0, since: ago(60), now });
    expect(stalled).toMatchObject({ perSecond: 0, secondsLeft: null });
    expect(describePace(stalled)).toBe("Placing · no order answered in the last minute · 30 to place");
  });

  it("waiting for results is its own phase; a finished or unconfirmed batch has no pace", () => {
    const waiting = computePace({
      status: "running",
      counts: counts(0, 0, 12),
      answered: 5,
      since: ago(60),
      now,
    });
    expect(waiting).toMatchObject({ phase: "waiting_for_results", perSecond: null, waitingForResults: 12 });
    expect(describePace(waiting)).toBe("All placed · waiting for 12 results from GSM Fusion");
    expect(
      computePace({ status: "running", counts: counts(0), answered: 5, since: ago(60), now }),
    ).toBeNull();
    expect(computePace({ status: "done", counts: counts(0), answered: 5, since: ago(60), now })).toBeNull();
    expect(computePace({ status: "draft", counts: counts(5), answered: 0, since: null, now })).toBeNull();
    expect(describePace(null)).toBeNull();
  });

  it("words: rates, time left, the banner", () => {
    expect(formatRate(0.3)).toBe("18 orders/min");
    expect(formatRate(0.001)).toBe("under 1 order/min");
    expect(formatRate(0)).toBeNull();
    expect(formatRate(Infinity)).toBeNull();
    expect(formatTimeLeft(30)).toBe("less than a minute left");
    expect(formatTimeLeft(2 * 3600 + 600)).toBe("about 2 h 10 min left");
    expect(formatTimeLeft(Infinity)).toBeNull();
    expect(upstreamBannerTitle({ state: "failing", reason: "unreachable", since: null, waiting: 30 })).toBe(
      "GSM Fusion is not answering; 30 orders wait; nothing is lost",
    );
    expect(upstreamBannerTitle({ state: "failing", reason: "auth", since: null, waiting: 1 })).toBe(
      "GSM Fusion refuses the API key; 1 order waits; nothing is lost",
    );
  });
});

describeEachDb("a batch's pace and the upstream signal, from stored orders", (provider) => {
  let f: EngineFixture;
  let seed = 700;
  beforeAll(async () => {
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f?.close();
  });

  async function confirmed(size: number) {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(size, seed++) });
    await confirmBatch(f.db, f.operator, draft.id);
    return draft.id;
  }

  /** Places `n` of the batch's orders as a worker would, the call sent at `sentAt`. */
  async function place(batchId: string, n: number, sentAt: Date, upstreamBase: number) {
    const claimed = await claimQueuedOrders(f.db, {
      workerId: "w",
      batchId,
      limit: n,
      leaseMs: 60_000,
      now: sentAt,
    });
    for (const [i, o] of claimed.entries()) {
      await markSubmitting(f.db, { orderId: o.id, workerId: "w", leaseMs: 60_000, now: sentAt });
      await recordPlaced(f.db, {
        orderId: o.id,
        workerId: "w",
        upstreamOrderId: String(upstreamBase + i),
        upstreamStatus: "Pending",
        nextCheckAt: new Date(sentAt.getTime() + 3_600_000),
        now: new Date(sentAt.getTime() + 500),
      });
    }
    return claimed.length;
  }

  /** One order's call turned away with `kind` at `sentAt` (it goes back to the queue). */
  async function turnAway(batchId: string, sentAt: Date, kind = "unavailable") {
    const [o] = await claimQueuedOrders(f.db, {
      workerId: "w",
      batchId,
      limit: 1,
      leaseMs: 60_000,
      now: sentAt,
    });
    await markSubmitting(f.db, { orderId: o!.id, workerId: "w", leaseMs: 60_000, now: sentAt });
    await requeueNotProcessed(f.db, {
      orderId: o!.id,
      workerId: "w",
      notBefore: new Date(sentAt.getTime() + 5_000),
      errorKind: kind,
      errorMessage: "GSM Fusion placeorder: HTTP 503 (unavailable)",
      now: sentAt,
    });
  }

  it("counts only answers in the last minute, and the orders left to place", async () => {
    const batchId = await confirmed(100);
    const now = new Date(Date.now() + 10 * 60_000);
    // 20 answered long ago (outside the window), 30 within it; one call turned away (not progress).
    await place(batchId, 20, new Date(now.getTime() - 5 * 60_000), 1_000);
    await place(batchId, 30, new Date(now.getTime() - 30_000), 2_000);
    await turnAway(batchId, new Date(now.getTime() - 20_000));
    const pace = await readBatchPace(f.db, { id: batchId, status: "running" }, counts(50, 0, 50), now);
    // 30 answers in 60 s: 0.5/s; 50 left: 100 s.
    expect(pace).toEqual({
      phase: "placing",
      perSecond: 0.5,
      secondsLeft: 100,
      toPlace: 50,
      waitingForResults: 50,
    });
  });

  it("measures from the batch's first call when that is within the window", async () => {
    const batchId = await confirmed(40);
    const now = new Date(Date.now() + 20 * 60_000);
    await place(batchId, 20, new Date(now.getTime() - 10_000), 3_000);
    const pace = await readBatchPace(f.db, { id: batchId, status: "running" }, counts(20), now);
    expect(pace).toMatchObject({ perSecond: 2, secondsLeft: 10 });
    // The progress the API and the stream send carries it (measured now: the calls were "sent" later).
    const progress = await getBatchProgress(f.db, batchId, actingScopeOf(f.operator));
    expect(progress.pace).toMatchObject({ phase: "placing", toPlace: 20 });
    expect(PACE_WINDOW_MS).toBe(60_000);
  });

  it("is failing while calls are turned away after the last placement; answering once one is placed", async () => {
    const batchId = await confirmed(10);
    const base = Date.now() + 30 * 60_000;
    await place(batchId, 2, new Date(base), 4_000);
    expect(await readUpstreamSignal(f.db, 8, new Date(base + 1_000))).toEqual({
      state: "answering",
      reason: null,
      since: null,
      waiting: 8,
    });
    await turnAway(batchId, new Date(base + 2_000));
    await turnAway(batchId, new Date(base + 4_000), "circuit_open");
    expect(await readUpstreamSignal(f.db, 8, new Date(base + 5_000))).toEqual({
      state: "failing",
      reason: "unreachable",
      since: new Date(base + 2_000).toISOString(),
      waiting: 8,
    });
    // Nothing waiting: nothing to say. A refusal that is old no longer counts.
    expect(await readUpstreamSignal(f.db, 0, new Date(base + 5_000))).toBeNull();
    expect(
      (await readUpstreamSignal(f.db, 8, new Date(base + 4_001 + UPSTREAM_SIGNAL_FRESH_MS)))?.state,
    ).toBe("answering");
    // A placement after the refusals: the site answers again.
    await place(batchId, 1, new Date(base + 6_000), 5_000);
    expect((await readUpstreamSignal(f.db, 7, new Date(base + 7_000)))?.state).toBe("answering");
    // The key refused: said apart.
    await turnAway(batchId, new Date(base + 8_000), "auth");
    expect(await readUpstreamSignal(f.db, 7, new Date(base + 9_000))).toMatchObject({
      state: "failing",
      reason: "auth",
    });
    // A 429 is the site answering ("slow down"): not failing.
    await place(batchId, 1, new Date(base + 10_000), 6_000);
    await turnAway(batchId, new Date(base + 11_000), "rate_limited");
    expect((await readUpstreamSignal(f.db, 5, new Date(base + 12_000)))?.state).toBe("answering");
  });
});

describeEachDb("the upstream signal under the sandbox's 503s", (provider) => {
  let f: EngineFixture;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs();
    f = await createEngineFixture(provider);
  });
  afterAll(async () => {
    await f?.close();
    logs.restore();
  });

  it("a worker in this process: the progress says failing with the real count, then answering again", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(30, 811) });
    await confirmBatch(f.db, f.operator, draft.id);
    // The worker's own client, with a short half-open wait so it probes again soon.
    const { sandbox, client } = await startSandboxUpstream({
      client: { breaker: { consecutiveFailures: 2, halfOpenAfterMs: 300 } },
    });
    sandbox.state.setFaults({ rate503: 1 });
    const worker = new SubmissionWorker({
      db: f.db,
      upstream: client,
      concurrency: 2,
      idlePollMs: 10,
      retryBaseMs: 10,
    });
    worker.start();
    try {
      const scope = actingScopeOf(f.operator);
      await waitFor(
        async () => (await getBatchProgress(f.db, draft.id, scope)).upstream?.state === "failing",
        10_000,
        "the failing signal",
      );
      const failing = await getBatchProgress(f.db, draft.id, scope);
      expect(failing.upstream).toMatchObject({ state: "failing", reason: "unreachable", waiting: 30 });
      expect(failing.counts.queued + failing.counts.submitting).toBe(30);
      expect(sandbox.state.charges).toHaveLength(0);
      sandbox.state.setFaults({});
      await waitFor(
        async () => {
          const p = await getBatchProgress(f.db, draft.id, scope);
          return p.upstream === null || p.upstream.state === "answering";
        },
        10_000,
        "the site answering again",
      );
    } finally {
      await worker.stop();
      await sandbox.close();
    }
  });

  it("a worker in another process (npm run worker): this process, which made no call, sees it failing", async () => {
    const draft = await createDraft(f.db, f.operator, { serviceId: "1739", imeis: makeImeis(30, 812) });
    await confirmBatch(f.db, f.operator, draft.id);
    f.sandbox.state.setFaults({ rate503: 1 });
    const worker = spawnWorkerProcess({ databaseUrl: f.db.url, upstreamUrl: f.sandbox.url });
    try {
      await worker.started;
      const scope = actingScopeOf(f.operator);
      await waitFor(
        async () => (await getBatchProgress(f.db, draft.id, scope)).upstream?.state === "failing",
        20_000,
        "the failing signal",
      );
      expect((await getBatchProgress(f.db, draft.id, scope)).upstream).toMatchObject({ waiting: 30 });
      expect(f.client.getHealth().state).toBe("closed");
    } finally {
      await worker.kill("SIGTERM");
      f.sandbox.state.setFaults({});
    }
  });
});
