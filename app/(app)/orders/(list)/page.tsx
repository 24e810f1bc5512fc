import Link from "next/link";
import { OrdersFilters } from "@/components/orders/orders-filters";
import { OrdersTable } from "@/components/orders/orders-table";
import { SyncNowButton } from "@/components/orders/sync-now-button";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/current";
import { isAdmin, ownerScopeFor, ownerWhere, type OwnerScope } from "@/lib/auth/permissions";
import { calendarDayIn } from "@/lib/calendar-day";
import { getDb, type Db } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { formatCount } from "@/lib/format";
import { listHistoryChoices } from "@/lib/orders/history-choices";
import { countOrdersBefore, listOrders } from "@/lib/orders/queries";
import { orderFilterSchema, type OrderFilter, type OrdersPage } from "@/lib/orders/schemas";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata = { title: "Orders" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// Paging and the zone are not filters: links to other pages, exports and day ranges set them themselves.
const NOT_FILTERS = new Set(["cursor", "before", "limit", "tz"]);
// A not-found list longer than this starts folded.
const NOT_FOUND_OPEN = 20;

/** The page and its offset (counted only past the first page), or the filter's 422 message. */
async function loadPage(
  db: Db,
  filter: OrderFilter,
  scope: OwnerScope,
): Promise<{ page: OrdersPage | null; offset: number; error: string | null }> {
  try {
    const page = await listOrders(db, filter, scope);
    const first = page.orders[0];
    if (!first || !(filter.cursor || filter.before)) return { page, offset: 0, error: null };
    const { cursor: _cursor, before: _before, limit: _limit, ...unpaged } = filter;
    return { page, offset: await countOrdersBefore(db, unpaged, scope, first.id), error: null };
  } catch (error) {
    if (!isAppError(error) || error.code !== "validation_failed") throw error;
    return { page: null, offset: 0, error: error.message };
  }
}

function withParams(base: Record<string, string>, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(base);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) params.delete(key);
    else params.set(key, value);
  }
  return params.toString();
}

export default async function OrdersPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(
      (e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== "",
    ),
  );
  const [user, db, timeZone] = await Promise.all([requireUser(), getDb(), getViewerTimeZone()]);
  // Days are the viewer's (the `tz` cookie) unless the URL names a zone.
  const parsed = orderFilterSchema.safeParse({ limit: "100", tz: timeZone, ...raw });
  const scope = await ownerScopeFor(db, user, "see");
  const [choices, loaded] = await Promise.all([
    listHistoryChoices(db, scope),
    parsed.success ? loadPage(db, parsed.data, scope) : null,
  ]);
  const page = loaded?.page ?? null;
  const offset = loaded?.offset ?? 0;
  const filterError = parsed.success
    ? (loaded?.error ?? null)
    : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  const filters = Object.fromEntries(Object.entries(raw).filter(([k]) => !NOT_FILTERS.has(k)));
  const hasFilters = Object.keys(filters).some((k) => k !== "sort");
  const exportQuery = withParams(filters, { tz: raw.tz ?? timeZone });
  const today = calendarDayIn(timeZone);
  const ranges = [
    { label: "Today", from: today },
    { label: "Last 7 days", from: calendarDayIn(timeZone, new Date(), -6) },
    { label: "Last 30 days", from: calendarDayIn(timeZone, new Date(), -29) },
  ].map((r) => ({ label: r.label, href: `/orders?${withParams(filters, { from: r.from, to: today })}` }));
  const batchRow = raw.batchId
    ? await db.prisma.batch.findFirst({
        where: { id: raw.batchId, ...ownerWhere(scope) },
        select: { sourceName: true },
      })
    : null;
  const batch = raw.batchId
    ? {
        name: batchRow?.sourceName ?? "unknown batch",
        clearHref: `/orders?${withParams(filters, { batchId: undefined })}`,
      }
    : null;
  const serviceTitles = new Map(choices.services.map((s) => [s.value, s.label]));

  return (
    <>
      <PageHeader
        title="Orders"
        description="Every order, searchable by IMEI, state, service, batch, day and result."
        actions={
          <>
            <SyncNowButton />
            <a className={buttonClasses("secondary")} href={`/api/v1/orders/export.csv?${exportQuery}`}>
              Export CSV
            </a>
            <a className={buttonClasses("secondary")} href={`/api/v1/orders/export.xlsx?${exportQuery}`}>
              Export Excel
            </a>
          </>
        }
      />
      <OrdersFilters values={raw} hasFilters={hasFilters} choices={choices} ranges={ranges} batch={batch} />
      {filterError ? (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {filterError}
        </p>
      ) : null}
      {page?.notFound && page.notFound.length > 0 ? <NotFoundList imeis={page.notFound} /> : null}
      {page && page.orders.length === 0 ? (
        <EmptyState title={hasFilters ? "No orders match" : "No orders yet"}>
          {hasFilters
            ? "Try fewer filters, or check the IMEIs for typos."
            : "Orders appear here once a batch is confirmed."}
        </EmptyState>
      ) : null}
      {page && page.orders.some((o) => o.state === "uncertain") ? (
        <p role="note" className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Uncertain orders wait for a person to decide whether they were placed.{" "}
          <Link
            className="font-semibold underline"
            href={raw.batchId ? `/attention?batch=${encodeURIComponent(raw.batchId)}` : "/attention"}
          >
            Decide them in Needs attention
          </Link>{" "}
          (yours{isAdmin(user) ? ", or anyone's as an admin" : ""}).
        </p>
      ) : null}
      {page && page.orders.length > 0 ? (
        <>
          <Pager page={page} offset={offset} base={raw} />
          <OrdersTable orders={page.orders} timeZone={timeZone} serviceTitles={serviceTitles} />
          <Pager page={page} offset={offset} base={raw} />
        </>
      ) : null}
    </>
  );
}

/** "1–100 of 12,345" with Previous / Next links that keep the filter. */
function Pager({ page, offset, base }: { page: OrdersPage; offset: number; base: Record<string, string> }) {
  const prev = page.prevCursor
    ? `/orders?${withParams(base, { before: page.prevCursor, cursor: undefined })}`
    : null;
  const next = page.nextCursor
    ? `/orders?${withParams(base, { cursor: page.nextCursor, before: undefined })}`
    : null;
  return (
    <nav aria-label="Pages" className="my-3 flex flex-wrap items-center justify-between gap-2 text-sm">
      <p className="text-slate-700" data-testid="orders-range">
        {formatCount(offset + 1)}–{formatCount(offset + page.orders.length)} of {formatCount(page.total)}
      </p>
      <div className="flex gap-2">
        {prev ? (
          <Link className={buttonClasses("secondary")} href={prev}>
            ← Previous
          </Link>
        ) : (
          <span
            className={`${buttonClasses("secondary")} pointer-events-none opacity-50`}
            aria-disabled="true"
          >
            ← Previous
          </span>
        )}
        {next ? (
          <Link className={buttonClasses("secondary")} href={next}>
            Next →
          </Link>
        ) : (
          <span
            className={`${buttonClasses("secondary")} pointer-events-none opacity-50`}
            aria-disabled="true"
          >
            Next →
          </span>
        )}
      </div>
    </nav>
  );
}

/** The pasted IMEIs no order matched: named, folded when long. */
function NotFoundList({ imeis }: { imeis: string[] }) {
  const summary = `${formatCount(imeis.length)} ${imeis.length === 1 ? "IMEI" : "IMEIs"} of the list not found`;
  return (
    <section
      aria-label="IMEIs not found"
      className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950"
    >
      <details open={imeis.length <= NOT_FOUND_OPEN}>
        <summary className="cursor-pointer font-semibold">
          {summary} (no order of theirs matches these filters)
        </summary>
        <ul
          className="mt-2 grid grid-cols-[repeat(auto-fill,minmax(11rem,1fr))] gap-x-4 font-mono"
          data-testid="not-found-imeis"
        >
          {imeis.map((imei) => (
            <li key={imei}>{imei}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}
