import Link from "next/link";
import { OrdersFilters } from "@/components/orders/orders-filters";
import { OrdersTable } from "@/components/orders/orders-table";
import { SyncNowButton } from "@/components/orders/sync-now-button";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/current";
import { isAdmin, ownerScopeFor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { listOrders } from "@/lib/orders/queries";
import { orderFilterSchema } from "@/lib/orders/schemas";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata = { title: "Orders" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OrdersPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(
      (e): e is [string, string] => typeof e[1] === "string" && e[1] !== "",
    ),
  );
  const parsed = orderFilterSchema.safeParse({ limit: "100", ...raw });
  const [user, db] = await Promise.all([requireUser(), getDb()]);
  const scope = await ownerScopeFor(db, user, "see");
  const [result, timeZone] = await Promise.all([
    parsed.success ? listOrders(db, parsed.data, scope) : null,
    getViewerTimeZone(),
  ]);
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
      <OrdersFilters values={raw} hasFilters={hasFilters} />
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
      {result && result.orders.some((o) => o.state === "uncertain") ? (
        <p role="note" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Uncertain orders wait for a person to decide whether they were placed.{" "}
          <Link
            className="font-semibold underline"
            href={
              parsed.success && parsed.data.batchId
                ? `/attention?batch=${encodeURIComponent(parsed.data.batchId)}`
                : "/attention"
            }
          >
            Decide them in Needs attention
          </Link>{" "}
          (yours{isAdmin(user) ? ", or anyone's as an admin" : ""}).
        </p>
      ) : null}
      {result && result.orders.length > 0 ? (
        <>
          <OrdersTable orders={result.orders} timeZone={timeZone} />
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
