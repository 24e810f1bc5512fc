/** A batch's progress, computed from its stored orders every time (never from a process's memory). */
import { ownerWhere, type OwnerScope } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { notFound } from "@/lib/errors";
import { toDecimalString } from "@/lib/money";
import { CHARGED_STATES, emptyCounts, type BatchState } from "@/lib/orders/states";
import { readBatchPace, readUpstreamSignal } from "./pace";
import type { BatchProgress } from "./schemas";

export type { BatchProgress } from "./schemas";

/** The batch's progress; a batch outside the scope is a 404, as one that does not exist. */
export async function getBatchProgress(db: Db, batchId: string, scope: OwnerScope): Promise<BatchProgress> {
  const batch = await db.prisma.batch.findFirst({
    where: { id: batchId, ...ownerWhere(scope) },
    include: { service: { select: { id: true, title: true } } },
  });
  if (!batch) throw notFound("Batch");
  const groups = await db.prisma.order.groupBy({
    by: ["state", "errorKind"],
    where: { batchId },
    _count: { _all: true },
    _sum: { priceMicros: true },
  });
  const counts = emptyCounts();
  let placed = 0n;
  let uncertain = 0n;
  let writtenOff = 0n;
  for (const g of groups) {
    if (g.state in counts) counts[g.state as keyof typeof counts] += g._count._all;
    if ((CHARGED_STATES as readonly string[]).includes(g.state)) placed += g._sum.priceMicros ?? 0n;
    if (g.state === "uncertain") uncertain += g._sum.priceMicros ?? 0n;
    // A person gave up knowing whether these were charged: they stay in the batch's cost, apart.
    if (g.state === "failed" && g.errorKind === "written_off") writtenOff += g._sum.priceMicros ?? 0n;
  }
  const status = batch.state as BatchState;
  const toPlace = status === "queued" || status === "running" ? counts.queued + counts.submitting : 0;
  const [pace, upstream] = await Promise.all([
    readBatchPace(db, { id: batch.id, status }, counts),
    readUpstreamSignal(db, toPlace),
  ]);
  return {
    id: batch.id,
    status,
    service: batch.service,
    sourceName: batch.sourceName,
    ownerId: batch.ownerId,
    total: batch.totalLines,
    toSubmit: batch.toSubmit,
    invalid: batch.invalidCount,
    duplicatesInBatch: batch.duplicatesInBatch,
    counts,
    cost: {
      estimated: toDecimalString(batch.estimatedCostMicros),
      placed: toDecimalString(placed),
      uncertain: toDecimalString(uncertain),
      writtenOff: toDecimalString(writtenOff),
    },
    createdAt: batch.createdAt.toISOString(),
    confirmedAt: batch.confirmedAt?.toISOString() ?? null,
    finishedAt: batch.finishedAt?.toISOString() ?? null,
    pace,
    upstream,
  };
}

export async function listBatches(db: Db, scope: OwnerScope, filter: { limit?: number } = {}) {
  return db.prisma.batch.findMany({
    where: ownerWhere(scope),
    orderBy: { createdAt: "desc" },
    take: Math.min(filter.limit ?? 50, 200),
    include: { service: { select: { title: true } }, owner: { select: { email: true } } },
  });
}

export type BatchSummary = {
  id: string;
  status: BatchState;
  serviceTitle: string;
  sourceName: string;
  ownerEmail: string;
  toSubmit: number;
  finished: number;
  uncertain: number;
  estimatedCost: string;
  createdAt: Date;
};

/** Recent batches with their progress, two queries whatever the page size. */
export async function listBatchSummaries(
  db: Db,
  scope: OwnerScope,
  filter: { limit?: number } = {},
): Promise<BatchSummary[]> {
  const batches = await listBatches(db, scope, filter);
  if (batches.length === 0) return [];
  const groups = await db.prisma.order.groupBy({
    by: ["batchId", "state"],
    where: { batchId: { in: batches.map((b) => b.id) } },
    _count: { _all: true },
  });
  // Skipped repeats were never work of the batch: neither open nor finished.
  const open = new Set(["draft", "queued", "submitting", "submitted", "skipped"]);
  return batches.map((b) => {
    const mine = groups.filter((g) => g.batchId === b.id);
    return {
      id: b.id,
      status: b.state as BatchState,
      serviceTitle: b.service.title,
      sourceName: b.sourceName,
      ownerEmail: b.owner.email,
      toSubmit: b.toSubmit,
      finished: mine.filter((g) => !open.has(g.state)).reduce((n, g) => n + g._count._all, 0),
      uncertain: mine.find((g) => g.state === "uncertain")?._count._all ?? 0,
      estimatedCost: toDecimalString(b.estimatedCostMicros),
      createdAt: b.createdAt,
    };
  });
}

/** Orders waiting for a person's decision, within the scope. */
export async function countUncertainOrders(db: Db, scope: OwnerScope): Promise<number> {
  return db.prisma.order.count({ where: { state: "uncertain", ...ownerWhere(scope) } });
}
