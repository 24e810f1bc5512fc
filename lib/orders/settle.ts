/**
 * Settlement: finds out by itself what became of an `uncertain` order's lost `placeorder` call.
 *
 * Upstream ids are increasing integers shared by every customer of the site. The order a lost call
 * created (if any) lies strictly between `lo` (`scanFrom`: the highest id known before the call was sent)
 * and `hi` (the lowest id received from a call sent after `settleAfter`, when the lost call could no
 * longer create one). `getimeis` is free and shows only this account's orders, so the ids of that window
 * that no order of ours holds are asked about: the IMEI found under the order's service links the order;
 * a closed window where every id was answered (or confirmed absent by a single-id question, since a
 * multi-id answer may leave ids out) without it means the call created nothing, and the order is queued
 * again. Anything else stays `uncertain` with a note for a person. The reasoning is in lib/orders/README.md.
 */
import { recordAudit } from "@/lib/admin/audit";
import type { Db } from "@/lib/db";
import type { GsmFusionClient, UpstreamOrder } from "@/lib/gsmfusion";
import { log } from "@/lib/log";
import {
  findHighestUpstreamSeq,
  findLowestUpstreamSeq,
  findLowestSeqSentAfter,
  listOwnedSeqsBetween,
  listSettleCandidates,
  type SettleCandidate,
} from "./queries";
import { firstCheckDelayMs } from "./sync-schedule";
import {
  finishBatchIfDone,
  leaseSettleDue,
  linkFoundOrder,
  noteUnsettled,
  reopenBatch,
  requeueNotCreated,
} from "./transitions";

export type SettleUpstream = Pick<GsmFusionClient, "getOrders">;

export type SettleOptions = {
  now?: Date;
  /** What earlier rounds learnt (the loop keeps one); default: nothing. */
  memory?: IdMemory;
  /** Uncertain orders looked at per round. */
  limit?: number;
  /** Most `getimeis` calls per round (they share the breaker and read concurrency with status sync). */
  maxCalls?: number;
  /** Ids scanned above the highest known one when no later placement closes the window yet. */
  marginIds?: number;
  /** A wider window is left to a person rather than scanned id by id. */
  maxWindowIds?: number;
};

export type SettleResult = {
  considered: number;
  linked: number;
  requeued: number;
  /** Left uncertain with a note for a person (it is looked at again later). */
  noted: number;
  calls: number;
};

export const SETTLE_DEFAULTS = { limit: 200, maxCalls: 20, marginIds: 50, maxWindowIds: 2_000 } as const;
// The round's lease on an order: a round that could not finish (call budget, upstream down) tries again
// after it. Short, so a window proven over several rounds moves on; a longer round only risks another
// process asking the same ids (its decisions are compare-and-set all the same).
const ROUND_LEASE_MS = 1_000;
const RETRY_BASE_MS = 5_000;
const RETRY_MAX_MS = 10 * 60_000;
/** Rounds in a row without an answer before the note says the upstream refuses the scan. */
const FAILED_ROUNDS_BEFORE_NOTE = 5;
// How long an id left out of a multi-id answer is not asked again in a group as large.
const MISSED_MEMORY_MS = 60_000;
// Ids are asked 100 a call; ids a multi-id answer left out are asked again in smaller groups.
const GROUP_SIZES = [100, 10, 1] as const;

type Window = {
  order: SettleCandidate;
  /** Exclusive bounds. */
  lo: bigint;
  hi: bigint;
  /** `hi` comes from a call sent after settleAfter (not from the margin above the highest known id). */
  closed: boolean;
  /** `lo` is the stored evidence (not a guess below the highest known id). */
  hasLo: boolean;
  ids: bigint[];
};

/**
 * What is known about upstream ids: answered (ours: IMEI and title never change), or absent from a
 * single-id answer. Only ids below a closed window's `hi` are asked one by one, and such an id already
 * exists, so its absence means another customer's order for good: the settlement loop keeps it across
 * rounds (a window of many foreign ids is then proven over several rounds).
 */
export class IdMemory {
  readonly found = new Map<bigint, UpstreamOrder>();
  readonly absent = new Set<bigint>();
  /**
   * Ids a multi-id answer left out, with the group size and when: not asked again in a group as large for
   * a while, so the next rounds go on to smaller groups instead of repeating the same calls.
   */
  readonly missed = new Map<bigint, { size: number; at: number }>();

  /** Forgets everything past a size, so a long-running process stays small. */
  trim(max = 200_000): void {
    if (this.found.size + this.absent.size + this.missed.size <= max) return;
    this.found.clear();
    this.absent.clear();
    this.missed.clear();
  }
}

/** One round's questions, within its call budget, remembered in an `IdMemory`. */
class IdKnowledge {
  readonly found: Map<bigint, UpstreamOrder>;
  readonly absent: Set<bigint>;
  calls = 0;
  failed = false;

  constructor(
    private readonly upstream: SettleUpstream,
    private readonly maxCalls: number,
    private readonly memory: IdMemory,
    /** Ids up to this one exist; only their misses are remembered (a higher one may be created yet). */
    private readonly highest: bigint | null,
  ) {
    this.found = memory.found;
    this.absent = memory.absent;
  }

  /** Left out of an answer for a group at least this large not long ago: ask it in a smaller one. */
  private missedRecently(id: bigint, size: number, now: number): boolean {
    const missed = this.memory.missed.get(id);
    return missed !== undefined && missed.size <= size && now - missed.at < MISSED_MEMORY_MS;
  }

  isKnown(id: bigint): boolean {
    return this.found.has(id) || this.absent.has(id);
  }

  /** Asks about the unknown ids in groups of `size`, within the call budget. */
  async ask(ids: bigint[], size: number): Promise<void> {
    const now = Date.now();
    // Alone, only ids that exist (up to the highest known) are asked: one above may not exist yet.
    const unknown = [...new Set(ids)]
      .filter((id) => !this.isKnown(id) && !this.missedRecently(id, size, now))
      .filter((id) => size > 1 || (this.highest !== null && id <= this.highest))
      .sort((a, b) => (a < b ? -1 : 1));
    for (let i = 0; i < unknown.length && !this.failed; i += size) {
      if (this.calls >= this.maxCalls) return;
      const group = unknown.slice(i, i + size);
      this.calls += 1;
      try {
        const answers = await this.upstream.getOrders(group.map(String));
        for (const a of answers) this.found.set(BigInt(a.upstreamOrderId), a);
        for (const id of group)
          if (!this.found.has(id) && this.highest !== null && id <= this.highest)
            this.memory.missed.set(id, { size, at: now });
        // Only a single-id answer proves absence: a multi-id answer may leave ids out.
        if (group.length === 1 && answers.length === 0) this.absent.add(group[0]!);
      } catch (error) {
        log.warn("settlement scan failed", { error, ids: group.length });
        this.failed = true;
      }
    }
  }
}

type Verdict =
  | { kind: "link"; found: UpstreamOrder }
  | { kind: "requeue" }
  | { kind: "note"; note: string }
  | { kind: "unknown" };

function describeRange(w: Window): string {
  return w.hi - w.lo > 2n ? `${w.lo + 1n}–${w.hi - 1n}` : `${w.lo + 1n}`;
}

/**
 * What the round's answers say about one order. `final`: no smaller group will be asked this round, so a
 * window that cannot be completed gets its note now.
 */
function judge(w: Window, known: IdKnowledge, marginIds: number, final: boolean): Verdict {
  const { order } = w;
  const sameImei = w.ids.flatMap((id) => {
    const found = known.found.get(id);
    return found && found.imei === order.imei ? [found] : [];
  });
  // The title is the only service name getimeis gives; an unknown title counts as this service.
  const matches = sameImei.filter((f) => f.packageTitle === null || f.packageTitle === order.serviceTitle);
  if (matches.length === 1) return { kind: "link", found: matches[0]! };
  if (matches.length > 1)
    return {
      kind: "note",
      note: `The IMEI was found twice upstream (orders ${matches.map((m) => m.upstreamOrderId).join(", ")}); a person must choose.`,
    };
  if (sameImei.length > 0)
    return {
      kind: "note",
      note: `The IMEI was found upstream as order ${sameImei[0]!.upstreamOrderId} under another service ("${sameImei[0]!.packageTitle}"); a person must check.`,
    };
  if (w.closed && w.hasLo && w.ids.every((id) => known.isKnown(id))) return { kind: "requeue" };
  if (!final) return { kind: "unknown" };
  if (!w.hasLo)
    return {
      kind: "note",
      note: "No upstream order id was known before this call was sent, so the search cannot be complete; a person must check the site.",
    };
  if (!w.closed)
    return {
      kind: "note",
      note: `Not found in ids ${describeRange(w)} (${marginIds} above the highest known). No order was placed after it yet to close the search: it waits for the next placement, or a person.`,
    };
  return { kind: "unknown" };
}

async function buildWindow(
  db: Db,
  order: SettleCandidate,
  highest: bigint | null,
  lowest: bigint | null,
  opts: Required<Omit<SettleOptions, "now" | "memory">>,
): Promise<Window | { note: string }> {
  const hiFound = await findLowestSeqSentAfter(db, order.settleAfter);
  const margin = BigInt(opts.marginIds);
  const top = hiFound ?? (highest === null ? null : highest + margin + 1n);
  if (top === null)
    return { note: "No upstream order id is known yet; it waits for the next placement, or a person." };
  // Without `lo` (the install's first calls) the order can only be found, never proven absent: search from
  // a margin below the lowest id known, which the first answers put next to it.
  const guessLo = (lowest ?? top) - margin - 1n;
  const lo = order.scanFrom ?? (guessLo > 0n ? guessLo : 0n);
  if (top - lo - 1n > BigInt(opts.maxWindowIds))
    return {
      note: `The ids it may have taken (${lo + 1n}–${top - 1n}) are too many to scan; a person must check the site.`,
    };
  const owned = await listOwnedSeqsBetween(db, lo, top);
  const ids: bigint[] = [];
  for (let id = lo + 1n; id < top; id += 1n) if (!owned.has(id)) ids.push(id);
  return { order, lo, hi: top, closed: hiFound !== null, hasLo: order.scanFrom !== null, ids };
}

function retryDelayMs(checkCount: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, checkCount - 1), RETRY_MAX_MS);
}

async function decide(
  db: Db,
  w: Window | { order: SettleCandidate; note: string },
  verdict: Verdict,
  now: Date,
) {
  const { order } = w;
  if (verdict.kind === "link" && "ids" in w) {
    const found = verdict.found;
    const reason = `found as upstream order ${found.upstreamOrderId} by scanning ids ${describeRange(w)}`;
    let linked = false;
    try {
      linked = await linkFoundOrder(db, {
        orderId: order.id,
        upstreamOrderId: found.upstreamOrderId,
        upstreamStatus: found.status,
        nextCheckAt: new Date(now.getTime() + firstCheckDelayMs(true)),
        reason,
        now,
      });
    } catch (error) {
      // Another order holds this id (the unique index): a person must look.
      log.warn("settlement could not link an order", { orderId: order.id, error });
      await noteUnsettled(db, {
        orderId: order.id,
        note: `Found as upstream order ${found.upstreamOrderId}, which another order already holds; a person must check.`,
        nextCheckAt: new Date(now.getTime() + RETRY_MAX_MS),
        now,
      });
      await finishBatchIfDone(db, order.batchId, now);
      return "noted" as const;
    }
    if (!linked) return null;
    await reopenBatch(db, order.batchId, now);
    await recordAudit(db, {
      action: "order.settle.linked",
      targetType: "order",
      targetId: order.id,
      details: { upstreamOrderId: found.upstreamOrderId, scanned: describeRange(w) },
    });
    return "linked" as const;
  }
  if (verdict.kind === "requeue" && "ids" in w) {
    const reason = `not placed: ids ${describeRange(w)} scanned (window closed by upstream order ${w.hi}), IMEI not among them; queued again`;
    if (!(await requeueNotCreated(db, { orderId: order.id, reason, now }))) return null;
    await reopenBatch(db, order.batchId, now);
    await recordAudit(db, {
      action: "order.settle.requeued",
      targetType: "order",
      targetId: order.id,
      details: { scanned: describeRange(w), closedBy: String(w.hi) },
    });
    return "requeued" as const;
  }
  const note = verdict.kind === "note" ? verdict.note : "note" in w ? w.note : null;
  if (note === null) return null;
  await noteUnsettled(db, {
    orderId: order.id,
    note,
    nextCheckAt: new Date(now.getTime() + retryDelayMs(order.checkCount)),
    now,
  });
  await finishBatchIfDone(db, order.batchId, now);
  return "noted" as const;
}

/** One settlement round over the due uncertain orders. */
export async function settleUncertainOrders(
  db: Db,
  upstream: SettleUpstream,
  options: SettleOptions = {},
): Promise<SettleResult> {
  const now = options.now ?? new Date();
  const opts = {
    limit: options.limit ?? SETTLE_DEFAULTS.limit,
    maxCalls: options.maxCalls ?? SETTLE_DEFAULTS.maxCalls,
    marginIds: options.marginIds ?? SETTLE_DEFAULTS.marginIds,
    maxWindowIds: options.maxWindowIds ?? SETTLE_DEFAULTS.maxWindowIds,
  };
  const result: SettleResult = { considered: 0, linked: 0, requeued: 0, noted: 0, calls: 0 };
  const leased = await leaseSettleDue(db, { limit: opts.limit, leaseMs: ROUND_LEASE_MS, now });
  const orders = await listSettleCandidates(db, leased);
  if (orders.length === 0) return result;
  result.considered = orders.length;
  const highest = await findHighestUpstreamSeq(db);
  const lowest = orders.some((o) => o.scanFrom === null) ? await findLowestUpstreamSeq(db) : null;
  const windows: Window[] = [];
  for (const order of orders) {
    const w = await buildWindow(db, order, highest, lowest, opts);
    if ("note" in w) {
      const done = await decide(db, { order, note: w.note }, { kind: "unknown" }, now);
      if (done) result[done] += 1;
    } else windows.push(w);
  }

  const memory = options.memory ?? new IdMemory();
  memory.trim();
  const known = new IdKnowledge(upstream, opts.maxCalls, memory, highest);
  let open = windows;
  for (const size of GROUP_SIZES) {
    await known.ask(
      open.flatMap((w) => w.ids),
      size,
    );
    const next: Window[] = [];
    for (const w of open) {
      const verdict = judge(w, known, opts.marginIds, size === 1);
      // A note after a failed call could be wrong (the answer never came): try again next round.
      if (verdict.kind === "unknown" || (verdict.kind === "note" && known.failed)) {
        next.push(w);
        continue;
      }
      const done = await decide(db, w, verdict, now);
      if (done) result[done] += 1;
    }
    open = next;
  }
  // Still undecided (call budget spent, or the upstream failing): the lease brings them back next round.
  for (const w of open) {
    if (known.failed && w.order.checkCount >= FAILED_ROUNDS_BEFORE_NOTE) {
      const note =
        "The upstream refused the scan several times in a row; it is tried again later, or a person decides.";
      const done = await decide(db, { order: w.order, note }, { kind: "unknown" }, now);
      if (done) result[done] += 1;
    }
  }
  result.calls = known.calls;
  return result;
}

// After a round that spent its whole call budget, the next comes this soon (the client's read concurrency
// and breaker still apply; live, each call takes about a second anyway).
const FULL_ROUND_PAUSE_MS = 200;

/** The settlement loop of one process: a round every `intervalMs`, sooner while rounds spend their budget. */
export class Settlement {
  private running = false;
  private loop: Promise<void> | null = null;
  private timer: (() => void) | null = null;
  readonly totals: SettleResult = { considered: 0, linked: 0, requeued: 0, noted: 0, calls: 0 };
  private readonly memory = new IdMemory();

  constructor(
    private readonly db: Db,
    private readonly upstream: SettleUpstream,
    private readonly options: SettleOptions & { intervalMs?: number } = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let full = false;
        try {
          const r = await settleUncertainOrders(this.db, this.upstream, {
            ...this.options,
            memory: this.memory,
          });
          for (const key of Object.keys(this.totals) as (keyof SettleResult)[]) this.totals[key] += r[key];
          if (r.considered > 0) log.info("settlement round", { ...r });
          full = r.calls >= (this.options.maxCalls ?? SETTLE_DEFAULTS.maxCalls);
        } catch (error) {
          log.warn("settlement round failed", { error });
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, full ? FULL_ROUND_PAUSE_MS : (this.options.intervalMs ?? 2_000));
          this.timer = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.timer?.();
    await this.loop;
  }
}
