/**
 * How fast a running batch goes, and whether the upstream is turning its calls away. Both are read from
 * stored orders (never a process's memory), so they are right whichever process runs the worker, and the
 * API, the progress stream and the page say the same thing.
 */
import type { Db } from "@/lib/db";
import type { BatchState } from "@/lib/orders/states";
import type { BatchPace, UpstreamSignal } from "./schemas";

/** Pace is measured over the orders answered in this last stretch of time. */
export const PACE_WINDOW_MS = 60_000;
/** No rate before this many answers and this much time: a rate from two orders in a second is noise. */
export const PACE_MIN_ANSWERED = 3;
export const PACE_MIN_ELAPSED_MS = 5_000;
/**
 * A refusal older than this no longer counts as "failing now". While the breaker is open the worker still
 * sends one probe every 30 s (the breaker's half-open wait), and each refused probe is stored afresh.
 */
export const UPSTREAM_SIGNAL_FRESH_MS = 3 * 60_000;

/**
 * The `not_processed` answers that mean GSM Fusion cannot be reached or is down (HTTP 503, refused
 * connection, DNS, the breaker open after them). A 429 is not here: the site answers, asking us to slow
 * down, and the worker does. `auth` is the site refusing our key: it answers, but nothing can be placed.
 */
const UNREACHABLE_KINDS = ["unavailable", "connection_refused", "dns", "circuit_open"];
const AUTH_KINDS = ["auth"];

type Counts = { queued: number; submitting: number; submitted: number };

/**
 * Pure: the batch's phase, its rate and the time left, from what the database holds. `answered` is how
 * many of its orders got an answer (placed, refused or lost) among those sent since `since`.
 */
export function computePace(input: {
  status: BatchState;
  counts: Counts;
  answered: number;
  since: Date | null;
  now: Date;
}): BatchPace | null {
  const { status, counts } = input;
  if (status !== "queued" && status !== "running") return null;
  const toPlace = counts.queued + counts.submitting;
  if (toPlace === 0) {
    return counts.submitted > 0
      ? {
          phase: "waiting_for_results",
          perSecond: null,
          secondsLeft: null,
          toPlace: 0,
          waitingForResults: counts.submitted,
        }
      : null;
  }
  const elapsedMs = input.since ? input.now.getTime() - input.since.getTime() : 0;
  const measured = input.since !== null && elapsedMs >= PACE_MIN_ELAPSED_MS;
  // Once measured, a rate of 0 is the truth (nothing answered in the window); before, there is no rate.
  const perSecond =
    measured && (input.answered >= PACE_MIN_ANSWERED || elapsedMs >= PACE_WINDOW_MS)
      ? Math.round((input.answered / (elapsedMs / 1000)) * 100) / 100
      : null;
  const secondsLeft =
    perSecond !== null && perSecond > 0 ? Math.max(1, Math.ceil(toPlace / perSecond / 5) * 5) : null;
  return { phase: "placing", perSecond, secondsLeft, toPlace, waitingForResults: counts.submitted };
}

/**
 * The batch's pace: answers to its calls sent in the last PACE_WINDOW_MS (or since its first call, if
 * that was later), and what is left to place. Two aggregate reads over the batch's orders.
 */
export async function readBatchPace(
  db: Db,
  batch: { id: string; status: BatchState },
  counts: Counts,
  now = new Date(),
): Promise<BatchPace | null> {
  if (batch.status !== "queued" && batch.status !== "running") return null;
  if (counts.queued + counts.submitting === 0)
    return computePace({ ...batch, counts, answered: 0, since: null, now });
  const first = await db.prisma.order.aggregate({
    where: { batchId: batch.id, submittingAt: { not: null } },
    _min: { submittingAt: true },
  });
  const firstSentAt = first._min.submittingAt;
  if (!firstSentAt) return computePace({ ...batch, counts, answered: 0, since: null, now });
  const windowStart = new Date(now.getTime() - PACE_WINDOW_MS);
  const since = firstSentAt > windowStart ? firstSentAt : windowStart;
  // A call the upstream turned away puts its order back in `queued`: not progress, so not counted.
  const answered = await db.prisma.order.count({
    where: { batchId: batch.id, submittingAt: { gte: since }, state: { notIn: ["queued", "submitting"] } },
  });
  return computePace({ status: batch.status, counts, answered, since, now });
}

/**
 * Is GSM Fusion turning calls away right now? Read from stored orders, not from a process's breaker: the
 * worker may run in another process, whose breaker this one cannot see. The evidence: orders the worker
 * put back in the queue because a call was not processed (503, no connection, breaker open; or the key
 * refused), sent more recently than any order was placed, and recently. Upstream-wide, not per batch.
 * `waiting` is the batch's orders still to place (none of them charged).
 */
export async function readUpstreamSignal(
  db: Db,
  waiting: number,
  now = new Date(),
): Promise<UpstreamSignal | null> {
  if (waiting === 0) return null;
  const answering: UpstreamSignal = { state: "answering", reason: null, since: null, waiting };
  // Requeued orders always carry notBefore: the (state, notBefore) index finds them without the queue.
  const refusedWhere = (kinds: string[]) => ({
    state: "queued",
    notBefore: { not: null },
    errorKind: { in: kinds },
    submittingAt: { not: null },
  });
  const [lastPlaced, unreachable, auth] = await Promise.all([
    db.prisma.order.aggregate({ _max: { placedAt: true } }),
    db.prisma.order.aggregate({ where: refusedWhere(UNREACHABLE_KINDS), _max: { submittingAt: true } }),
    db.prisma.order.aggregate({ where: refusedWhere(AUTH_KINDS), _max: { submittingAt: true } }),
  ]);
  const placedAt = lastPlaced._max.placedAt?.getTime() ?? 0;
  const freshAfter = now.getTime() - UPSTREAM_SIGNAL_FRESH_MS;
  const latest = (at: Date | null | undefined) =>
    at && at.getTime() > placedAt && at.getTime() >= freshAfter ? at : null;
  const unreachableAt = latest(unreachable._max.submittingAt);
  const authAt = latest(auth._max.submittingAt);
  if (!unreachableAt && !authAt) return answering;
  const reason = authAt && (!unreachableAt || authAt > unreachableAt) ? "auth" : "unreachable";
  // Since: the first refusal after the last placement (the outage's start as far as the orders tell).
  const first = await db.prisma.order.aggregate({
    where: {
      ...refusedWhere(reason === "auth" ? AUTH_KINDS : UNREACHABLE_KINDS),
      submittingAt: { gt: new Date(placedAt) },
    },
    _min: { submittingAt: true },
  });
  return {
    state: "failing",
    reason,
    since: (first._min.submittingAt ?? unreachableAt ?? authAt)!.toISOString(),
    waiting,
  };
}
