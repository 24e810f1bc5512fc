import Link from "next/link";
import type { ReactNode } from "react";
import { stateInfo } from "@/components/batches/order-states";
import { SyncNowButton } from "@/components/orders/sync-now-button";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { getDb } from "@/lib/db";
import { formatMoney, parseMoney } from "@/lib/money";
import { listOrders, orderFilterSchema, type ApiOrder } from "@/lib/orders/queries";
import { ORDER_STATES } from "@/lib/orders/states";

export const metadata = { title: "Orders" };

const FIELD_CLASSES = "mt-1 block w-full rounded-md border border-slate-300 px-2.5 py-2 text-sm";

function FilterField({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label className={`text-sm ${className ?? ""}`}>
      <span className="font-medium text-slate-700">{label}</span>
      {children}
    </label>
  );
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function resultText(order: ApiOrder): string {
  const r = (order.result ?? {}) as Record<string, unknown>;
  const parts = ["model", "carrier", "simLock", "fmi", "unlockCode"]
    .map((k) => r[k])
    .filter((v): v is string => typeof v === "string");
  return parts.length > 0 ? parts.join(" · ") : (order.errorMessage ?? order.code ?? "");
}

export default async function OrdersPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(
      (e): e is [string, string] => typeof e[1] === "string" && e[1] !== "",
    ),
  );
  const parsed = orderFilterSchema.safeParse({ limit: "100", ...raw });
  const db = await getDb();
  const result = parsed.success ? await listOrders(db, parsed.data) : null;
  const filterError = parsed.success
    ? null
    : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  const exportParams = new URLSearchParams(
    Object.entries(raw).filter(([k]) => k !== "cursor" && k !== "limit"),
  );
  const nextParams = new URLSearchParams(raw);
  if (result?.nextCursor) nextParams.set("cursor", result.nextCursor);
  const hasFilters = Object.keys(raw).some((k) => k !== "cursor");

  return (
    <>
      <PageHeader
        title="Orders"
        description="Every order, searchable by IMEI, state, service, batch and date."
        actions={
          <>
            <SyncNowButton />
            <a className={buttonClasses("secondary")} href={`/api/v1/orders/export.csv?${exportParams}`}>
              Export CSV
            </a>
          </>
        }
      />
      <form
        method="get"
        className="mb-6 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-6"
      >
        <FilterField label="IMEIs" className="sm:col-span-2">
          <input
            name="imei"
            defaultValue={raw.imei}
            placeholder="one or more, separated by spaces or commas"
            className={FIELD_CLASSES}
          />
        </FilterField>
        <FilterField label="State">
          <select name="status" defaultValue={raw.status ?? ""} className={FIELD_CLASSES}>
            <option value="">any</option>
            {ORDER_STATES.filter((s) => s !== "draft").map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </FilterField>
        <FilterField label="Service id">
          <input name="serviceId" defaultValue={raw.serviceId} className={FIELD_CLASSES} />
        </FilterField>
        <FilterField label="From">
          <input type="date" name="from" defaultValue={raw.from} className={FIELD_CLASSES} />
        </FilterField>
        <FilterField label="To">
          <input type="date" name="to" defaultValue={raw.to} className={FIELD_CLASSES} />
        </FilterField>
        {raw.batchId ? <input type="hidden" name="batchId" value={raw.batchId} /> : null}
        <div className="flex items-end gap-2 sm:col-span-6">
          <button type="submit" className={buttonClasses("primary")}>
            Search
          </button>
          {hasFilters ? (
            <Link href="/orders" className={buttonClasses("ghost")}>
              Clear filters
            </Link>
          ) : null}
        </div>
      </form>
      {filterError ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {filterError}
        </p>
      ) : null}
      {result && result.orders.length === 0 ? (
        <EmptyState title={hasFilters ? "No orders match" : "No orders yet"}>
          {hasFilters
            ? "Try fewer filters, or check the IMEIs for typos."
            : "Orders appear here once a batch is confirmed."}
        </EmptyState>
      ) : null}
      {result && result.orders.length > 0 ? (
        <>
          <Table caption="Orders">
            <THead>
              <Tr>
                <Th>IMEI</Th>
                <Th>State</Th>
                <Th>Service</Th>
                <Th>Upstream id</Th>
                <Th>Result</Th>
                <Th className="text-right">Price</Th>
                <Th>Placed (UTC)</Th>
              </Tr>
            </THead>
            <TBody>
              {result.orders.map((o) => (
                <Tr key={o.id}>
                  <Td className="font-mono">
                    <Link className="text-indigo-700 hover:underline" href={`/orders/${o.id}`}>
                      {o.imei}
                    </Link>
                  </Td>
                  <Td>
                    <Badge tone={stateInfo(o.state).tone}>{stateInfo(o.state).label}</Badge>
                    {o.overdue ? <Badge tone="red">overdue</Badge> : null}
                  </Td>
                  <Td>{o.serviceId}</Td>
                  <Td className="font-mono text-slate-600">{o.upstreamOrderId ?? "—"}</Td>
                  <Td className="max-w-sm truncate text-slate-700" title={resultText(o)}>
                    {resultText(o) || "—"}
                  </Td>
                  <Td className="text-right tabular-nums">{formatMoney(parseMoney(o.price))}</Td>
                  <Td className="whitespace-nowrap text-slate-600">
                    {o.placedAt ? o.placedAt.replace("T", " ").slice(0, 16) : "—"}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {result.nextCursor ? (
            <div className="mt-4 flex justify-end">
              <Link className={buttonClasses("secondary")} href={`/orders?${nextParams}`}>
                Older orders →
              </Link>
            </div>
          ) : null}
        </>
      ) : null}
    </>
  );
}
