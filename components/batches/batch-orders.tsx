"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import Link from "next/link";
import { Fragment, useId, useState, type ReactNode } from "react";
import { useBatchOrders } from "@/components/hooks/use-batch-orders";
import { isFinalStatus } from "@/components/hooks/use-batch-progress";
import { ORDER_STATE_INFO, stateInfo } from "@/components/orders/order-states";
import { summariseResult } from "@/components/orders/result-summary";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import {
  BATCH_COUNT_KEYS,
  type BatchOrderSort,
  type BatchOrdersPage,
  type BatchProgress,
  type CountKey,
} from "@/lib/batches/schemas";
import { formatCount, formatMoney, plural } from "@/lib/format";
import { ApiErrorAlert } from "./api-error-alert";
import { ResolveOrder } from "./resolve-order";

type BatchOrder = BatchOrdersPage["orders"][number];

const PAGE_SIZE = 100;

/**
 * The batch's orders in upload order (sortable by line, IMEI or state), a page of 100 at a time, filtered
 * by state (kept in the URL as ?state=). Each IMEI links to its order.
 */
export function BatchOrders({ batch, canAct }: { batch: BatchProgress; canAct: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filterId = useId();
  const requested = searchParams.get("state");
  const state = BATCH_COUNT_KEYS.includes(requested as CountKey) ? (requested as CountKey) : null;
  const [sort, setSort] = useState<{ by: BatchOrderSort; dir: "asc" | "desc" }>({ by: "line", dir: "asc" });
  const [page, setPage] = useState(1);
  const [resolving, setResolving] = useState<string | null>(null);
  const isFinal = isFinalStatus(batch.status);

  const orders = useBatchOrders({
    batchId: batch.id,
    state,
    sort: sort.by,
    dir: sort.dir,
    page,
    pageSize: PAGE_SIZE,
    isFinal,
  });

  function sortBy(by: BatchOrderSort) {
    setPage(1);
    setSort((current) => ({ by, dir: current.by === by && current.dir === "asc" ? "desc" : "asc" }));
  }

  function filterBy(next: CountKey | null) {
    setPage(1);
    setResolving(null);
    const params = new URLSearchParams(searchParams);
    if (next) params.set("state", next);
    else params.delete("state");
    const query = params.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  const uncertain = batch.counts.uncertain;

  return (
    <section aria-labelledby="orders-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="orders-heading" className="text-base font-semibold text-slate-900">
          Orders
        </h2>
        <div>
          <label htmlFor={filterId} className="mr-2 text-sm text-slate-600">
            State
          </label>
          <select
            id={filterId}
            value={state ?? ""}
            onChange={(event) => filterBy((event.target.value || null) as CountKey | null)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
          >
            <option value="">All states</option>
            {BATCH_COUNT_KEYS.map((key) => (
              <option key={key} value={key}>
                {ORDER_STATE_INFO[key].label} ({formatCount(batch.counts[key])})
              </option>
            ))}
          </select>
        </div>
      </div>

      {uncertain > 0 ? (
        <Alert
          tone="warning"
          title={`${plural(uncertain, "order")} uncertain`}
          action={
            state === "uncertain" ? null : (
              <Button size="sm" variant="secondary" onClick={() => filterBy("uncertain")}>
                Show {uncertain === 1 ? "it" : "them"}
              </Button>
            )
          }
        >
          <UncertainExplanation />
        </Alert>
      ) : null}

      {orders.isPending ? (
        <Skeleton className="h-48 w-full" />
      ) : orders.isError ? (
        <ApiErrorAlert
          error={orders.error}
          title="The orders could not be loaded"
          action={
            <Button variant="secondary" size="sm" onClick={() => void orders.refetch()}>
              Try again
            </Button>
          }
        />
      ) : orders.data.orders.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-4 py-8 text-center text-sm text-slate-600">
          {state
            ? `No ${ORDER_STATE_INFO[state].label.toLowerCase()} orders in this batch.`
            : "This batch has no orders yet."}
        </p>
      ) : (
        <>
          <Table caption="Orders of this batch">
            <THead>
              <Tr>
                <SortableTh by="line" sort={sort} onSort={sortBy} className="w-16 text-right">
                  Line
                </SortableTh>
                <SortableTh by="imei" sort={sort} onSort={sortBy}>
                  IMEI
                </SortableTh>
                <SortableTh by="state" sort={sort} onSort={sortBy}>
                  State
                </SortableTh>
                <Th>Upstream order</Th>
                <Th>Result</Th>
                <Th className="text-right">Price</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </Tr>
            </THead>
            <TBody>
              {orders.data.orders.map((order) => (
                <Fragment key={order.id}>
                  <OrderRow
                    order={order}
                    canResolve={canAct}
                    isResolving={resolving === order.id}
                    onResolve={() => setResolving(resolving === order.id ? null : order.id)}
                  />
                  {resolving === order.id ? (
                    <Tr>
                      <Td colSpan={7} className="bg-amber-50/50">
                        <ResolveOrder order={order} batchId={batch.id} onDone={() => setResolving(null)} />
                      </Td>
                    </Tr>
                  ) : null}
                </Fragment>
              ))}
            </TBody>
          </Table>
          <div className="flex items-center justify-between gap-3 text-sm text-slate-600">
            <span>
              Page {orders.data.page} of {Math.max(1, orders.data.pageCount)} ·{" "}
              {plural(orders.data.total, "order")}
              {orders.isFetching ? " · refreshing…" : ""}
            </span>
            <div className="flex gap-2">
              <Button
                variant="secondary"
                size="sm"
                disabled={page === 1}
                onClick={() => setPage((p) => p - 1)}
              >
                Previous
              </Button>
              <Button
                variant="secondary"
                size="sm"
                disabled={page >= orders.data.pageCount}
                onClick={() => setPage((p) => p + 1)}
              >
                Next
              </Button>
            </div>
          </div>
        </>
      )}
    </section>
  );
}

function SortableTh({
  by,
  sort,
  onSort,
  className,
  children,
}: {
  by: BatchOrderSort;
  sort: { by: BatchOrderSort; dir: "asc" | "desc" };
  onSort: (by: BatchOrderSort) => void;
  className?: string;
  children: ReactNode;
}) {
  const active = sort.by === by;
  return (
    <Th className={className} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        onClick={() => onSort(by)}
        className="inline-flex items-center gap-1 font-semibold tracking-wide uppercase hover:text-slate-900"
      >
        {children}
        <span aria-hidden="true" className={active ? "text-slate-900" : "text-slate-300"}>
          {active && sort.dir === "desc" ? "▼" : "▲"}
        </span>
      </button>
    </Th>
  );
}

function OrderRow({
  order,
  canResolve,
  isResolving,
  onResolve,
}: {
  order: BatchOrder;
  canResolve: boolean;
  isResolving: boolean;
  onResolve: () => void;
}) {
  const info = stateInfo(order.state);
  // A skipped repeat shows the earlier order's answer, and links to it.
  const shown = order.reusedFrom ?? order;
  const summary = summariseResult({ ...order, state: shown.state, result: shown.result });
  return (
    <Tr>
      <Td className="text-right font-mono text-slate-600 tabular-nums">{order.line}</Td>
      <Td className="font-mono">
        <Link href={`/orders/${order.id}`} className="text-indigo-700 underline-offset-2 hover:underline">
          {order.imei}
        </Link>
      </Td>
      <Td>
        <span title={info.meaning}>
          <Badge tone={info.tone}>{info.label}</Badge>
        </span>
      </Td>
      <Td className="font-mono text-slate-600">{shown.upstreamOrderId ?? "—"}</Td>
      <Td className={`max-w-md min-w-64 ${summary.isError ? "text-red-700" : ""}`}>
        <span className="line-clamp-2" title={summary.full}>
          {summary.text}
        </span>
        {order.state === "skipped" ? (
          <span className="mt-1 block text-xs text-teal-800">
            {order.reusedFrom?.id ? (
              <Link href={`/orders/${order.reusedFrom.id}`} className="underline underline-offset-2">
                Earlier result, reused (not paid again)
              </Link>
            ) : order.reusedFrom ? (
              "Earlier result, reused (not paid again)"
            ) : (
              "Ordered before; the earlier order is no longer on record"
            )}
          </span>
        ) : null}
        {order.state === "uncertain" && order.settleNote ? (
          <span className="mt-1 block text-xs text-amber-800">{order.settleNote}</span>
        ) : null}
      </Td>
      <Td className="text-right tabular-nums">{formatMoney(order.price)}</Td>
      <Td className="text-right">
        {order.state === "uncertain" && canResolve ? (
          <Button
            size="sm"
            variant={isResolving ? "ghost" : "secondary"}
            onClick={onResolve}
            aria-expanded={isResolving}
          >
            {isResolving ? "Close" : "Resolve"}
          </Button>
        ) : null}
      </Td>
    </Tr>
  );
}

export function UncertainExplanation() {
  return (
    <p>
      An order is <strong>uncertain</strong> when it was sent to GSM Fusion but no readable answer came back
      (a timeout or a dropped connection), so nobody knows yet whether it was placed and charged. IMEI Desk
      never simply retries it, so nothing is paid twice: a minute later it looks for the order among GSM
      Fusion&apos;s order ids around the lost call, and links it or, once it has proven the call created
      nothing, queues it again. What it cannot settle waits for you under <em>Needs attention</em>, with the
      reason. You may also decide now: <em>placed</em> (enter its order id; it is verified),{" "}
      <em>not placed</em> (it is queued and placed again), or <em>write off</em> (it stays in spend as
      possibly charged).
    </p>
  );
}
