import Link from "next/link";
import { notFound } from "next/navigation";
import { stateInfo } from "@/components/batches/order-states";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { formatMoney, parseMoney } from "@/lib/money";
import { getOrder } from "@/lib/orders/queries";

export const metadata = { title: "Order" };

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const order = await getOrder(await getDb(), id).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const result = (order.result ?? {}) as { fields?: Record<string, string> };
  const facts: [string, string][] = [
    ["State", stateInfo(order.state).label],
    ["Service", order.serviceTitle],
    ["Price", formatMoney(parseMoney(order.price))],
    ["Upstream order id", order.upstreamOrderId ?? "—"],
    ["Upstream status", order.upstreamStatus ?? "—"],
    ["Placed (UTC)", order.placedAt?.replace("T", " ").slice(0, 19) ?? "—"],
    ["Finished (UTC)", order.finishedAt?.replace("T", " ").slice(0, 19) ?? "—"],
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
          {result.fields && Object.keys(result.fields).length > 0 ? (
            <dl className="grid grid-cols-3 gap-x-4 gap-y-2 text-sm">
              {Object.entries(result.fields).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-500">{k}</dt>
                  <dd className="col-span-2 break-words">{v}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="text-sm text-slate-600">{order.code ? order.code : "No result yet."}</p>
          )}
        </section>
      </div>
      <section className="mt-6 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-3 text-sm font-semibold text-slate-700">History</h2>
        <ol className="space-y-2 text-sm">
          {order.events.map((e, i) => (
            <li key={i} className="flex flex-wrap gap-x-3">
              <span className="font-mono text-slate-500">{e.at.replace("T", " ").slice(0, 19)}</span>
              <span>
                {e.from ?? "—"} → <strong>{e.to}</strong>
              </span>
              <span className="text-slate-600">
                {e.reason} {e.actor ? `(${e.actor})` : ""}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
