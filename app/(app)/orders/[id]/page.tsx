import Link from "next/link";
import type { ReactNode } from "react";
import { OrderDecision } from "@/components/orders/order-decision";
import { stateInfo } from "@/components/orders/order-states";
import { RefreshOrderButton } from "@/components/orders/refresh-order-button";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { loadOrNotFound, requireUser } from "@/lib/auth/current";
import { canActOn, findOrderFor, ownerScopeFor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { formatDateTime, formatMoney, plural } from "@/lib/format";
import { getOrder } from "@/lib/orders/queries";
import { rawResultForReading } from "@/lib/orders/raw-result";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata = { title: "Order" };

/**
 * One order, everything stored about it that a person can use: no internal ids (the upstream's order id is
 * the shop's own reference). Another operator's order is the unknown-id 404; one seen under the shop's
 * "operators see all orders" setting shows no decision buttons (those would be refused), only the refresh,
 * which seeing allows.
 */
export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [user, db] = await Promise.all([requireUser(), getDb()]);
  const order = await loadOrNotFound(getOrder(db, id, await ownerScopeFor(db, user, "see")));
  const timeZone = await getViewerTimeZone();
  // Only its owner or an admin decides an uncertain order, even where the shop lets others see it.
  const canDecide =
    order.state === "uncertain" && canActOn(user, (await findOrderFor(db, user, id, "see")).ownerId);
  // "Sync now" asks only about placed orders still waiting for their result.
  const canRefresh = order.state === "submitted" && order.upstreamOrderId !== null;
  const info = stateInfo(order.state);
  const when = (at: string | null) => formatDateTime(at, timeZone, { seconds: true });
  const batchName = order.batchSourceName || "Untitled batch";

  const facts: [string, ReactNode][] = [
    [
      "State",
      <>
        <Badge tone={info.tone}>{info.label}</Badge> <span className="text-slate-700">{info.meaning}</span>
      </>,
    ],
    ["Service", order.serviceTitle],
    [
      "Batch",
      <>
        <Link className="text-indigo-700 hover:underline" href={`/batches/${order.batchId}`}>
          {batchName}
        </Link>
        , line {order.line}
      </>,
    ],
    [
      "IMEI",
      <span key="imei" className="font-mono">
        {order.imei}
      </span>,
    ],
    ["Upstream order id", order.upstreamOrderId ?? "— (not placed)"],
    ["Upstream status", order.upstreamStatus ?? "—"],
    ["Price", formatMoney(order.price)],
    ["Attempts", String(order.attempts)],
    ["Created", when(order.createdAt)],
    ["Placed", when(order.placedAt)],
    ["Finished", when(order.finishedAt)],
    [
      "Last checked",
      order.lastCheckedAt ? `${when(order.lastCheckedAt)} (${plural(order.checkCount, "check")})` : "—",
    ],
    ["Next check", when(order.nextCheckAt)],
  ];
  if (order.overdue)
    facts.push([
      "Overdue",
      <span key="overdue" className="text-amber-800">
        Yes: past the delivery time the service promises
      </span>,
    ]);
  if (order.errorMessage)
    facts.push([
      order.state === "queued" ? "Last error" : "Error",
      <>
        {order.errorMessage}
        {order.errorKind ? <span className="text-slate-500"> ({order.errorKind})</span> : null}
      </>,
    ]);
  if (order.settleNote) facts.push(["Settlement note", order.settleNote]);

  // A skipped repeat shows the answer it reuses, from the earlier order of the same IMEI and service.
  const answer = order.reusedFrom ?? order;
  const fields = Object.entries(answer.result?.fields ?? {});
  return (
    <>
      <PageHeader
        title={`IMEI ${order.imei}`}
        description={
          <>
            {order.serviceTitle} · line {order.line} of{" "}
            <Link className="text-indigo-700 hover:underline" href={`/batches/${order.batchId}`}>
              {batchName}
            </Link>{" "}
            · <Badge tone={info.tone}>{info.label}</Badge>
          </>
        }
        actions={canRefresh ? <RefreshOrderButton orderId={order.id} /> : null}
      />
      {canDecide ? (
        <section
          aria-label="Decide this order"
          className="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2"
        >
          <p className="pt-2 text-sm text-amber-900">
            The answer from GSM Fusion was lost: this order may or may not have been placed and charged. Look
            it up on the site, then decide. Many at once:{" "}
            <Link className="font-semibold underline" href="/attention">
              Needs attention
            </Link>
            .
          </p>
          <OrderDecision order={order} />
        </section>
      ) : order.state === "uncertain" ? (
        <p className="mb-6 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          The answer from GSM Fusion was lost: this order may or may not have been placed. Only its owner or
          an admin can decide it.
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="order-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="order-heading" className="mb-3 text-sm font-semibold text-slate-700">
            Order
          </h2>
          <dl className="grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-4 gap-y-2 text-sm">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="min-w-0 break-words text-slate-900">{v}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section
          aria-labelledby="result-heading"
          className="min-w-0 rounded-lg border border-slate-200 bg-white p-4"
        >
          <h2 id="result-heading" className="mb-3 text-sm font-semibold text-slate-700">
            Result
          </h2>
          {order.reusedFrom ? (
            <p className="mb-3 text-sm text-slate-600" data-testid="reused-from">
              Reused, not paid again: the answer of the{" "}
              {order.reusedFrom.id ? (
                <Link className="text-indigo-700 hover:underline" href={`/orders/${order.reusedFrom.id}`}>
                  earlier order
                </Link>
              ) : (
                "earlier order"
              )}
              {order.reusedFrom.placedAt
                ? ` placed ${formatDateTime(order.reusedFrom.placedAt, timeZone)}`
                : ""}
              {order.reusedFrom.upstreamOrderId
                ? ` (GSM Fusion order ${order.reusedFrom.upstreamOrderId})`
                : ""}
              {order.reusedFrom.code === null ? ", which has no result yet." : "."}
            </p>
          ) : null}
          {fields.length > 0 ? (
            <table className="w-full text-left text-sm" data-testid="result-fields">
              <caption className="sr-only">The result, field by field</caption>
              <thead>
                <tr className="border-b border-slate-200 text-xs text-slate-500">
                  <th scope="col" className="py-1 pr-4 font-medium">
                    Field
                  </th>
                  <th scope="col" className="py-1 font-medium">
                    Value
                  </th>
                </tr>
              </thead>
              <tbody>
                {fields.map(([k, v]) => (
                  <tr key={k} className="border-b border-slate-100 last:border-0">
                    <th scope="row" className="py-1 pr-4 align-top font-normal text-slate-500">
                      {k}
                    </th>
                    <td className="py-1 break-words text-slate-900">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="text-sm text-slate-600">
              {answer.code === null ? "No result yet." : "The result has no Label: value lines to list."}
            </p>
          )}
          {answer.code !== null ? (
            <>
              <h3 className="mt-4 mb-1 text-xs font-semibold text-slate-600">Result text as received</h3>
              {/* A text node: whatever HTML the upstream sent is shown, never rendered. */}
              <pre
                className="max-h-96 overflow-auto rounded-md bg-slate-50 p-3 font-mono text-xs break-words whitespace-pre-wrap text-slate-900"
                data-testid="raw-result"
              >
                {rawResultForReading(answer.code)}
              </pre>
            </>
          ) : null}
        </section>
      </div>
      <section
        aria-labelledby="history-heading"
        className="mt-6 rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="history-heading" className="mb-3 text-sm font-semibold text-slate-700">
          History
        </h2>
        <ol className="space-y-2 text-sm" data-testid="order-history">
          {order.events.map((e, i) => (
            <li key={i} className="flex flex-wrap gap-x-3">
              <span className="font-mono text-slate-500">{when(e.at)}</span>
              <span>
                {e.from === "draft" ? "Draft" : e.from ? stateInfo(e.from).label : "—"} →{" "}
                <strong>{stateInfo(e.to).label}</strong>
              </span>
              <span className="text-slate-600">
                {e.reason} {e.actorName ? `(${e.actorName})` : ""}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
