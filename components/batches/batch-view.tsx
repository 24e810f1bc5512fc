"use client";

import Link from "next/link";
import { useState } from "react";
import { useCancelBatch } from "@/components/hooks/use-batch-actions";
import { isFinalStatus, useBatchProgress, type ProgressFeed } from "@/components/hooks/use-batch-progress";
import { useTimeZone } from "@/components/layout/time-zone";
import { FINISHED_STATES, ORDER_STATE_INFO } from "@/components/orders/order-states";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button, buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { ProgressBar } from "@/components/ui/progress-bar";
import { Skeleton } from "@/components/ui/skeleton";
import { BATCH_COUNT_KEYS, type BatchProgress } from "@/lib/batches/schemas";
import { ApiError } from "@/lib/client/api";
import { formatCount, formatDateTime, formatMoney, plural } from "@/lib/format";
import { ApiErrorAlert } from "./api-error-alert";
import { BatchOrders } from "./batch-orders";
import { BatchPaceLine } from "./batch-pace";
import { UpstreamBanner } from "./upstream-banner";
import { isUpstreamFailing } from "@/lib/batches/pace-text";
import { DownloadResults, LineBreakdown, PLACED_COUNT_KEYS } from "./batch-results";

const STATUS_INFO: Record<BatchProgress["status"], { label: string; tone: BadgeTone }> = {
  draft: { label: "Draft: not confirmed", tone: "gray" },
  queued: { label: "Queued", tone: "blue" },
  running: { label: "Running", tone: "indigo" },
  needs_attention: { label: "Needs a decision", tone: "amber" },
  done: { label: "Done", tone: "green" },
  cancelled: { label: "Cancelled", tone: "gray" },
};

/**
 * One batch, live: progress, counts per state, cost, cancel, and its orders. `canAct` is false for another
 * operator's batch shown under the shop's "operators see all orders" setting: it is followed, not changed.
 */
export function BatchView({ id, canAct }: { id: string; canAct: boolean }) {
  const progress = useBatchProgress(id);

  if (progress.isPending) return <BatchSkeleton />;
  if (progress.isError) {
    if (progress.error instanceof ApiError && progress.error.status === 404) {
      return (
        <EmptyState
          title="No such batch"
          action={
            <Link href="/batches/new" className={buttonClasses()}>
              Start a batch
            </Link>
          }
        >
          There is no batch {id}, or it belongs to someone else. Check the link, or start a new batch.
        </EmptyState>
      );
    }
    return (
      <ApiErrorAlert
        error={progress.error}
        title="The batch could not be loaded"
        action={
          <Button variant="secondary" size="sm" onClick={() => void progress.refetch()}>
            Try again
          </Button>
        }
      />
    );
  }
  return <BatchDetails progress={progress.data} feed={progress.feed} canAct={canAct} />;
}

function BatchDetails({
  progress,
  feed,
  canAct,
}: {
  progress: BatchProgress;
  feed: ProgressFeed;
  canAct: boolean;
}) {
  const timeZone = useTimeZone();
  const { counts, status } = progress;
  const orderCount = PLACED_COUNT_KEYS.reduce((sum, key) => sum + counts[key], 0);
  const total = orderCount > 0 ? orderCount : progress.total;
  const finished = FINISHED_STATES.reduce((sum, key) => sum + counts[key], 0);
  const percent = total > 0 ? Math.floor((finished / total) * 100) : 0;
  const isActive = status === "queued" || status === "running";
  // While GSM Fusion turns calls away the page says so instead of "Running · Live".
  const upstreamFailing = isActive && isUpstreamFailing(progress.upstream);

  return (
    <>
      <PageHeader
        title="Batch"
        description={
          <>
            {progress.service.title}
            {progress.sourceName ? ` · ${progress.sourceName}` : ""}
          </>
        }
        actions={
          <div className="flex flex-wrap items-start gap-2">
            <DownloadResults batchId={progress.id} />
            {isActive && canAct ? <CancelBatch id={progress.id} queued={counts.queued} /> : null}
          </div>
        }
      />

      <div className="space-y-6">
        {canAct ? null : (
          <Alert tone="info" title="Another operator's batch">
            <p>You can follow it here. Only its owner or an admin can cancel it or resolve its orders.</p>
          </Alert>
        )}
        {isActive ? <UpstreamBanner upstream={progress.upstream} /> : null}
        {status === "done" ? (
          <Alert tone="success" title={`Done: all ${plural(total, "order")} finished`}>
            <p>
              {summarise(progress)}. Finished {formatDateTime(progress.finishedAt, timeZone)}. Placed{" "}
              {formatMoney(progress.cost.placed)} of {formatMoney(progress.cost.estimated)} estimated.
            </p>
          </Alert>
        ) : status === "needs_attention" ? (
          <Alert
            tone="warning"
            title={`${plural(counts.uncertain, "order")} ${counts.uncertain === 1 ? "needs" : "need"} a decision`}
          >
            <p>
              Nothing is left for the app to do: {summarise(progress)}. The app could not find out whether{" "}
              {counts.uncertain === 1 ? "this order was" : "these orders were"} placed; each one&apos;s note
              says why. Resolve them in the list below.
            </p>
          </Alert>
        ) : status === "cancelled" ? (
          <Alert tone="info" title="Cancelled">
            <p>
              {plural(counts.cancelled, "order")} {counts.cancelled === 1 ? "was" : "were"} not placed. Orders
              placed before the cancel are kept: {summarise(progress)}.
            </p>
          </Alert>
        ) : status === "draft" ? (
          <Alert tone="warning" title="This batch was never confirmed">
            <p>Nothing was placed. Start a new batch to review and confirm it.</p>
          </Alert>
        ) : null}

        <section
          aria-labelledby="progress-heading"
          className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
        >
          <div className="flex flex-wrap items-center justify-between gap-3">
            <div className="flex items-center gap-3">
              <h2 id="progress-heading" className="text-base font-semibold text-slate-900">
                Progress
              </h2>
              {upstreamFailing ? (
                <Badge tone="amber">Waiting for GSM Fusion</Badge>
              ) : (
                <Badge tone={STATUS_INFO[status].tone}>{STATUS_INFO[status].label}</Badge>
              )}
            </div>
            {upstreamFailing ? null : <FeedIndicator feed={feed} isFinal={isFinalStatus(status)} />}
          </div>

          <p
            className="mt-4 text-2xl font-semibold text-slate-900 tabular-nums"
            data-testid="progress-summary"
          >
            {formatCount(finished)} of {formatCount(total)} finished
            <span className="ml-2 text-base font-normal text-slate-600">({percent}%)</span>
          </p>
          <div className="mt-3">
            <ProgressBar
              label="Orders finished"
              value={finished}
              max={total}
              segments={FINISHED_STATES.map((key) => ({
                value: counts[key],
                className: ORDER_STATE_INFO[key].bar,
                label: ORDER_STATE_INFO[key].label,
              }))}
            />
          </div>
          {upstreamFailing ? null : <BatchPaceLine pace={progress.pace} />}

          <LineBreakdown progress={progress} orders={status === "draft" ? progress.toSubmit : orderCount} />

          <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
            {PLACED_COUNT_KEYS.map((key) => (
              <div
                key={key}
                className={`rounded-lg border px-3 py-2 ${counts[key] === 0 ? "border-slate-100 opacity-60" : "border-slate-200"}`}
                title={ORDER_STATE_INFO[key].meaning}
              >
                <dt className="flex items-center gap-1.5 text-xs font-medium text-slate-600">
                  <span aria-hidden="true" className={`size-2 rounded-full ${ORDER_STATE_INFO[key].bar}`} />
                  {ORDER_STATE_INFO[key].label}
                </dt>
                <dd
                  className="text-xl font-semibold text-slate-900 tabular-nums"
                  data-testid={`count-${key}`}
                >
                  {formatCount(counts[key])}
                </dd>
              </div>
            ))}
          </dl>

          <div className="mt-6 flex flex-wrap gap-x-10 gap-y-2 text-sm">
            <p>
              <span className="text-slate-600">Placed so far </span>
              <span className="font-semibold text-slate-900 tabular-nums" data-testid="cost-placed">
                {formatMoney(progress.cost.placed)}
              </span>
              <span className="text-slate-600"> of </span>
              <span className="font-semibold text-slate-900 tabular-nums">
                {formatMoney(progress.cost.estimated)}
              </span>
              <span className="text-slate-600"> estimated</span>
              {Number(progress.cost.uncertain) > 0 ? (
                <span className="text-amber-800">
                  {" "}
                  · {formatMoney(progress.cost.uncertain)} uncertain (may be charged)
                </span>
              ) : null}
              {Number(progress.cost.writtenOff) > 0 ? (
                <span className="text-amber-800" data-testid="cost-written-off">
                  {" "}
                  · {formatMoney(progress.cost.writtenOff)} written off (possibly charged)
                </span>
              ) : null}
            </p>
            <p className="text-slate-600">Created {formatDateTime(progress.createdAt, timeZone)}</p>
            {progress.confirmedAt ? (
              <p className="text-slate-600">Confirmed {formatDateTime(progress.confirmedAt, timeZone)}</p>
            ) : null}
          </div>
        </section>

        <BatchOrders batch={progress} canAct={canAct} />
      </div>
    </>
  );
}

function summarise(progress: BatchProgress): string {
  const parts = BATCH_COUNT_KEYS.filter((key) => progress.counts[key] > 0).map(
    (key) => `${formatCount(progress.counts[key])} ${ORDER_STATE_INFO[key].label.toLowerCase()}`,
  );
  return parts.length > 0 ? parts.join(", ") : "no orders";
}

function FeedIndicator({ feed, isFinal }: { feed: ProgressFeed; isFinal: boolean }) {
  if (isFinal || feed === "closed") return null;
  const text =
    feed === "live"
      ? "Live"
      : feed === "polling"
        ? "Live updates unavailable; refreshing every 3 s"
        : "Connecting…";
  return (
    <span className="flex items-center gap-1.5 text-xs text-slate-600">
      <span
        aria-hidden="true"
        className={`size-2 rounded-full ${feed === "live" ? "animate-pulse bg-emerald-500" : "bg-amber-400"}`}
      />
      {text}
    </span>
  );
}

function CancelBatch({ id, queued }: { id: string; queued: number }) {
  const [isAsking, setIsAsking] = useState(false);
  const cancel = useCancelBatch(id, { onSuccess: () => setIsAsking(false) });

  if (!isAsking) {
    return (
      <Button variant="secondary" onClick={() => setIsAsking(true)}>
        Cancel batch
      </Button>
    );
  }
  return (
    <div className="flex max-w-md flex-col items-end gap-2 text-right">
      <p className="text-sm text-slate-700">
        Cancel the {plural(queued, "order")} still queued? Orders already placed are kept and their results
        still arrive.
      </p>
      <div className="flex gap-2">
        <Button variant="secondary" onClick={() => setIsAsking(false)} disabled={cancel.isPending}>
          Keep going
        </Button>
        <Button variant="danger" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
          {cancel.isPending ? "Cancelling…" : "Yes, cancel queued orders"}
        </Button>
      </div>
      {cancel.isError ? <ApiErrorAlert error={cancel.error} title="The batch was not cancelled" /> : null}
    </div>
  );
}

function BatchSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading the batch">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-56 w-full" />
      <Skeleton className="h-72 w-full" />
    </div>
  );
}
