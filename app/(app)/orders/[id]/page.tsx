import Link from "next/link";
import { OrderDecision } from "@/components/orders/order-decision";
import { stateInfo } from "@/components/orders/order-states";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { loadOrNotFound, requireUser } from "@/lib/auth/current";
import { canActOn, findOrderFor, ownerScopeFor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { formatDateTime, formatMoney } from "@/lib/format";
import { getOrder } from "@/lib/orders/queries";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata = { title: "Order" };

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [user, db] = await Promise.all([requireUser(), getDb()]);
  const order = await loadOrNotFound(getOrder(db, id, await ownerScopeFor(db, user, "see")));
  const timeZone = await getViewerTimeZone();
  // Only its owner or an admin decides an uncertain order, even where the shop lets others see it.
  const canDecide =
    order.state === "uncertain" && canActOn(user, (await findOrderFor(db, user, id, "see")).ownerId);
  const fields = Object.entries(order.result?.fields ?? {});
  const facts: [string, string][] = [
    ["State", stateInfo(order.state).label],
    ["Service", order.serviceTitle],
    ["Price", formatMoney(order.price)],
    ["Upstream order id", order.upstreamOrderId ?? "—"],
    ["Upstream status", order.upstreamStatus ?? "—"],
    ["Placed", formatDateTime(order.placedAt, timeZone, { seconds: true })],
    ["Finished", formatDateTime(order.finishedAt, timeZone, { seconds: true })],
    ["Attempts", String(order.attempts)],
    ...(order.errorMessage ? ([["Error", order.errorMessage]] as [string, string][]) : []),
  ];
  return (
    <>
      <PageHeader
        title={`IMEI ${order.imei}`}
        description={
          <>
            Line {order.line} of{" "}
            <Link className="text-indigo-700 hover:underline" href={`/batches/${order.batchId}`}>
              its batch
            </Link>
            . <Badge tone={stateInfo(order.state).tone}>{stateInfo(order.state).label}</Badge>
          </>
        }
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
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 text-sm font-semibold text-slate-700">Order</h2>
          <dl className="grid grid-cols-3 gap-x-4 gap-y-2 text-sm">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd className="col-span-2 break-words text-slate-900">{v}</dd>
              </div>
            ))}
          </dl>
        </section>
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-3 text-sm font-semibold text-slate-700">Result</h2>
          {fields.length > 0 ? (
            <dl className="grid grid-cols-3 gap-x-4 gap-y-2 text-sm">
              {fields.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-500">{k}</dt>
                  <dd className="col-span-2 break-words">{v}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="text-sm whitespace-pre-line text-slate-600">
              {order.result?.text || "No result yet."}
            </p>
          )}
        </section>
      </div>
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 text-sm font-semibold text-slate-700">History</h2>
        <ol className="space-y-2 text-sm">
          {order.events.map((e, i) => (
            <li key={i} className="flex flex-wrap gap-x-3">
              <span className="font-mono text-slate-500">
                {formatDateTime(e.at, timeZone, { seconds: true })}
              </span>
              <span>
                {e.from ?? "—"} → <strong>{e.to}</strong>
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
