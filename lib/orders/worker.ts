/**
 * The submission worker: takes queued orders a few at a time, fairly across batches and operators, and
 * places each with ONE `placeorder` call (see lib/orders/README.md for why one IMEI per call).
 *
 * Money rules it keeps: `submitting` is committed before the call; the answer and the state change are
 * one compare-and-set statement; only proof that the call was not processed puts an order back in the
 * queue; anything else that is not a clear answer makes it `uncertain` for a person.
 *
 * Beside it: which batch goes next (scheduling.ts), how many calls may be in flight (concurrency.ts) and
 * what a failed call means (classify-failure.ts).
 */
import os from "node:os";
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import type { GsmFusionClient, PlacedOrder } from "@/lib/gsmfusion";
import { log } from "@/lib/log";
import { classifyPlacementFailure, PLACED_EARLIER } from "./classify-failure";
import { AdaptiveConcurrency } from "./concurrency";
import { hasBeenUncertain } from "./queries";
import { FairScheduler } from "./scheduling";
import { firstCheckDelayMs } from "./sync-schedule";
import {
  claimQueuedOrders,
  expireSubmittingLeases,
  finishBatchIfDone,
  markBatchRunning,
  markSubmitting,
  recordFailure,
  recordPlaced,
  releaseLeases,
  requeueNotProcessed,
  touchBatchServed,
  type ClaimedOrder,
} from "./transitions";

export type PlaceOrderFn = Pick<GsmFusionClient, "placeOrder"> & Partial<Pick<GsmFusionClient, "getHealth">>;

export type WorkerOptions = {
  db: Db;
  upstream: PlaceOrderFn;
  /** Most calls in flight (SUBMIT_CONCURRENCY). The worker adapts below it on 429/503. */
  concurrency: number;
  workerId?: string;
  /** Lease on a `submitting` order: above the placeorder timeout, so a live call never loses it. */
  submitLeaseMs?: number;
  /** Lease on claimed, not yet sent orders. */
  claimLeaseMs?: number;
  /** How often an idle worker looks for work. */
  idlePollMs?: number;
  /** Back-off for a not-processed order: base × 2^(attempts−1), capped. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Delay before the first status check of a placed order (default: the "Instant" schedule's first gap). */
  firstCheckMs?: (serviceId: string) => number;
  /**
   * After a lost answer, how long the upstream may still be creating the order (a request held in a proxy,
   * a slow PHP worker): settlement trusts the id window only after it. Default 60 s.
   */
  settleMarginMs?: number;
  /** The client's placeorder timeout: a dead worker's call could create an order until then. Default: submitLeaseMs. */
  placeOrderTimeoutMs?: number;
};

const CLAIM_GROUP = 8;
const LEASE_SWEEP_MS = 5_000;
const ANSWER_WRITE_ATTEMPTS = 8;
// lastServedAt is for other processes' fairness; once a second per batch is plenty.
const TOUCH_EVERY_MS = 1_000;
const BREAKER_WAIT_MS = 1_000;
// After a not-processed answer without Retry-After (503, refused connection), pause this long.
const NOT_PROCESSED_PAUSE_MS = 1_000;
const STEP_RETRY_MS = 1_000;

export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SubmissionWorker {
  readonly workerId: string;
  private readonly db: Db;
  private readonly upstream: PlaceOrderFn;
  private readonly concurrency: AdaptiveConcurrency;
  private readonly scheduler: FairScheduler;
  private inFlight = 0;
  private recording = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private holdUntil = 0;
  /** Leased (still `queued`) orders waiting for a free slot. */
  private buffer: ClaimedOrder[] = [];
  private readonly touchedAt = new Map<string, number>();
  private lastSweep = 0;
  private readonly opts: Required<
    Omit<WorkerOptions, "db" | "upstream" | "concurrency" | "workerId" | "firstCheckMs">
  > &
    Pick<WorkerOptions, "firstCheckMs">;
  /** Counters for the health page and the benchmark. */
  readonly stats = {
    placed: 0,
    duplicate: 0,
    failed: 0,
    uncertain: 0,
    requeued: 0,
    calls: 0,
    callMs: 0,
    firstCallAt: 0,
  };

  constructor(options: WorkerOptions) {
    this.db = options.db;
    this.upstream = options.upstream;
    this.concurrency = new AdaptiveConcurrency(options.concurrency);
    this.scheduler = new FairScheduler(options.db);
    this.workerId = options.workerId ?? newWorkerId();
    this.opts = {
      submitLeaseMs: options.submitLeaseMs ?? 120_000,
      claimLeaseMs: options.claimLeaseMs ?? 30_000,
      idlePollMs: options.idlePollMs ?? 250,
      retryBaseMs: options.retryBaseMs ?? 5_000,
      retryMaxMs: options.retryMaxMs ?? 5 * 60_000,
      settleMarginMs: options.settleMarginMs ?? 60_000,
      placeOrderTimeoutMs: options.placeOrderTimeoutMs ?? options.submitLeaseMs ?? 120_000,
      firstCheckMs: options.firstCheckMs,
    };
  }

  get concurrencyLimit(): number {
    return this.concurrency.limit;
  }

  get callsInFlight(): number {
    return this.inFlight;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().catch((error) => {
      log.error("submission worker stopped on an error", { error, workerId: this.workerId });
      this.running = false;
    });
  }

  /** Graceful stop: no new claims; calls in flight finish and are recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.buffer = [];
    while (this.inFlight > 0 || this.recording > 0) await sleep(20);
    // Unsent leased orders go back at once; if that write fails their short claim lease frees them anyway.
    await releaseLeases(this.db, this.workerId).catch((error: unknown) =>
      log.warn("releasing claimed orders failed; their leases will expire", { error }),
    );
  }

  /** Wakes an idle worker at once (after a batch is confirmed, say). */
  nudge(): void {
    this.scheduler.refreshSoon();
    this.wake?.();
  }

  private async idle(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.step();
      } catch (error) {
        // A transient database error (a lock held too long by another process, a dropped connection) must
        // not stop placing for good: log it, back off, try again.
        log.warn("submission worker step failed; retrying", { error, workerId: this.workerId });
        await this.idle(STEP_RETRY_MS);
      }
    }
  }

  /** One turn of the loop: sweep expired leases, respect pauses, claim, and start calls for free slots. */
  private async step(): Promise<void> {
    const now = Date.now();
    if (now - this.lastSweep > LEASE_SWEEP_MS) {
      this.lastSweep = now;
      const expired = await expireSubmittingLeases(this.db, new Date(), {
        callTimeoutMs: this.opts.placeOrderTimeoutMs,
        marginMs: this.opts.settleMarginMs,
      });
      if (expired.length > 0)
        log.warn("orders left submitting by a stopped worker are now uncertain", { count: expired.length });
      // Their batch may have nothing else left for the machine.
      for (const batchId of new Set(expired)) await finishBatchIfDone(this.db, batchId);
    }
    // While the client's breaker is open every call would fail at once; wait instead of cycling orders
    // through `submitting` and back.
    if (this.upstream.getHealth?.().state === "open")
      this.holdUntil = Math.max(this.holdUntil, now + BREAKER_WAIT_MS);
    if (now < this.holdUntil) {
      await this.idle(Math.min(this.holdUntil - now, 1_000));
      return;
    }
    if (this.concurrency.limit - this.inFlight <= 0) {
      await this.idle(this.opts.idlePollMs);
      return;
    }
    if (this.buffer.length === 0 && !(await this.claimNextGroup())) {
      await this.idle(this.opts.idlePollMs);
      return;
    }
    while (this.concurrency.limit - this.inFlight > 0 && this.buffer.length > 0) {
      const order = this.buffer.shift()!;
      // The slot is the upstream call: it frees as soon as the answer arrives, while the answer is
      // still being recorded (`recording` keeps a graceful stop waiting for that write).
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.wake?.();
      };
      this.inFlight += 1;
      this.recording += 1;
      void this.place(order, release)
        .catch((error: unknown) => {
          // A database error while recording: the order keeps its state (queued, or submitting until its
          // lease makes it uncertain); the process must not die for it.
          log.error("recording an order's outcome failed", { orderId: order.id, error });
        })
        .finally(() => {
          release();
          this.recording -= 1;
        });
    }
  }

  /**
   * Leases the next small group of orders, from the batch whose turn it is. Returns false when there is
   * no work. Claiming a group (not one order per free slot) keeps claim writes to a fraction per order;
   * the group is small so the next batch's turn comes soon.
   */
  private async claimNextGroup(): Promise<boolean> {
    for (;;) {
      const batch = await this.scheduler.nextBatch();
      if (!batch) return false;
      const claimed = await claimQueuedOrders(this.db, {
        workerId: this.workerId,
        batchId: batch.id,
        limit: Math.min(CLAIM_GROUP, this.concurrency.limit),
        leaseMs: this.opts.claimLeaseMs,
      });
      this.scheduler.markServed(batch);
      if (claimed.length === 0) {
        this.scheduler.drop(batch.id);
        await finishBatchIfDone(this.db, batch.id);
        continue;
      }
      if (batch.state === "queued") {
        await markBatchRunning(this.db, batch.id);
        batch.state = "running";
      } else if (Date.now() - (this.touchedAt.get(batch.id) ?? 0) > TOUCH_EVERY_MS) {
        await touchBatchServed(this.db, batch.id);
      }
      this.touchedAt.set(batch.id, Date.now());
      this.buffer.push(...claimed);
      return true;
    }
  }

  /** Places one billable order and records the outcome. */
  private async place(order: ClaimedOrder, release: () => void): Promise<void> {
    const submitting = await markSubmitting(this.db, {
      orderId: order.id,
      workerId: this.workerId,
      leaseMs: this.opts.submitLeaseMs,
    });
    if (!submitting) return; // cancelled, or re-leased by another worker, before we got to it
    let placed: PlacedOrder;
    const startedAt = Date.now();
    try {
      this.stats.calls += 1;
      if (this.stats.firstCallAt === 0) this.stats.firstCallAt = startedAt;
      placed = await this.upstream.placeOrder({ serviceId: order.serviceId, imei: order.imei });
    } catch (error) {
      this.stats.callMs += Date.now() - startedAt;
      release();
      await this.recordFailedCall(order, error);
      return;
    }
    this.stats.callMs += Date.now() - startedAt;
    release();
    this.concurrency.recordSuccess();
    const nextCheckAt = new Date(
      Date.now() + (this.opts.firstCheckMs?.(order.serviceId) ?? firstCheckDelayMs(true)),
    );
    await this.writeAnswer(order, placed, () =>
      recordPlaced(this.db, {
        orderId: order.id,
        workerId: this.workerId,
        upstreamOrderId: placed.upstreamOrderId,
        upstreamStatus: placed.status,
        nextCheckAt,
      }),
    );
    this.stats.placed += 1;
  }

  /**
   * The upstream charged for this order: its id must reach the database. A failing write is retried; if it
   * still fails the id goes to the log (the order becomes uncertain when its lease runs out, and the
   * person resolving it finds the id there).
   */
  private async writeAnswer(
    order: ClaimedOrder,
    placed: PlacedOrder,
    write: () => Promise<boolean>,
  ): Promise<void> {
    for (let attempt = 1; attempt <= ANSWER_WRITE_ATTEMPTS; attempt += 1) {
      try {
        if (!(await write())) {
          log.error("placed order could not be recorded: its state changed meanwhile", {
            orderId: order.id,
            imei: order.imei,
            upstreamOrderId: placed.upstreamOrderId,
          });
        }
        return;
      } catch (error) {
        log.warn("recording a placed order failed; retrying", { orderId: order.id, attempt, error });
        await sleep(Math.min(200 * 2 ** attempt, 5_000));
      }
    }
    log.error("PLACED ORDER NOT RECORDED: resolve it with this upstream id", {
      orderId: order.id,
      imei: order.imei,
      upstreamOrderId: placed.upstreamOrderId,
    });
  }

  private async recordFailedCall(order: ClaimedOrder, error: unknown): Promise<void> {
    const outcome = classifyPlacementFailure(error);
    if (outcome.requeue) {
      this.onNotProcessed(outcome.retryAfterMs);
      const backoff = Math.min(
        this.opts.retryBaseMs * 2 ** Math.max(0, order.attempts),
        this.opts.retryMaxMs,
      );
      const notBefore = new Date(Date.now() + Math.max(backoff, outcome.retryAfterMs ?? 0));
      await requeueNotProcessed(this.db, {
        orderId: order.id,
        workerId: this.workerId,
        notBefore,
        errorKind: outcome.kind,
        errorMessage: outcome.message,
      });
      this.stats.requeued += 1;
      return;
    }
    const failure =
      outcome.state === "duplicate" && (await hasBeenUncertain(this.db, order.id)) ? PLACED_EARLIER : outcome;
    // The call is over (answered, aborted or timed out): after the margin it can no longer create an order.
    const settleAfter = new Date(Date.now() + this.opts.settleMarginMs);
    await recordFailure(this.db, { orderId: order.id, workerId: this.workerId, failure, settleAfter });
    this.stats[failure.state] += 1;
    if (failure.state === "uncertain")
      log.warn("order outcome unknown; marked uncertain", { orderId: order.id, kind: failure.errorKind });
    await finishBatchIfDone(this.db, order.batchId);
  }

  /** Fewer calls in flight on 429/503, and a pause while the upstream asks for one. */
  private onNotProcessed(retryAfterMs: number | undefined): void {
    this.concurrency.recordNotProcessed();
    const pause = Math.min(retryAfterMs ?? NOT_PROCESSED_PAUSE_MS, 30_000);
    this.holdUntil = Math.max(this.holdUntil, Date.now() + pause);
  }
}
