import Link from "next/link";
import { CatalogueFailureText } from "@/components/services/catalogue-failure";
import { CatalogueSearch } from "@/components/services/catalogue-search";
import { ServicesTable } from "@/components/services/services-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { ensureCatalogue, listCatalogue } from "@/lib/services/catalogue";
import { catalogueQuerySchema } from "@/lib/services/schemas";
import { filterCatalogue } from "@/lib/services/search";
import { describeAge } from "@/lib/services/status";
import { getUpstream } from "@/lib/upstream";
import { getViewerTimeZone } from "@/lib/viewer-time-zone";

export const metadata = { title: "Services" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const firstValue = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.slice(0, 200);

export default async function ServicesPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const query = catalogueQuerySchema.parse({
    q: firstValue(params.q),
    category: firstValue(params.category),
  });
  const db = await getDb();
  const status = await ensureCatalogue(db, getUpstream());
  const all = await listCatalogue(db);
  const timeZone = await getViewerTimeZone();

  if (all.length === 0) {
    return (
      <>
        <PageHeader
          title="Services"
          description="The GSM Fusion catalogue: what each service costs and how fast it answers."
        />
        <EmptyState
          title="Catalogue not loaded yet"
          action={
            <Link
              href="/services"
              className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500"
            >
              Try again
            </Link>
          }
        >
          {status.lastFailure ? (
            <CatalogueFailureText failure={status.lastFailure} />
          ) : (
            <p>The catalogue is being fetched from the GSM Fusion site. Reload this page in a moment.</p>
          )}
        </EmptyState>
      </>
    );
  }

  const shown = filterCatalogue(all, query);
  const categories = [...new Set(all.map((s) => s.category))];
  return (
    <>
      <PageHeader
        title="Services"
        description="The GSM Fusion catalogue: what each service costs per IMEI and how fast it answers."
      />
      <p className="mb-4 text-sm text-slate-600" data-testid="catalogue-freshness">
        {query.q || query.category ? `${shown.length} of ${all.length}` : all.length} services ·{" "}
        {status.refreshedAt ? (
          <time
            dateTime={status.refreshedAt.toISOString()}
            title={formatDateTime(status.refreshedAt, timeZone)}
          >
            refreshed {describeAge(status.refreshedAt)}
          </time>
        ) : (
          "not refreshed yet"
        )}
        {status.isRefreshing ? " · refreshing in the background" : null}
      </p>
      {status.lastFailure ? (
        <div
          role="note"
          className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950"
        >
          <p className="font-semibold">The last refresh failed, so prices may be out of date.</p>
          <CatalogueFailureText failure={status.lastFailure} />
        </div>
      ) : null}
      <CatalogueSearch q={query.q} category={query.category} categories={categories} />
      {shown.length === 0 ? (
        <EmptyState
          title="No services match"
          action={
            <Link
              href="/services"
              className="text-sm font-semibold text-indigo-700 underline hover:text-indigo-500"
            >
              Show all services
            </Link>
          }
        >
          Nothing in the catalogue matches
          {query.q ? ` “${query.q}”` : ""}
          {query.category ? ` in ${query.category}` : ""}. Try fewer or shorter words: the search looks at
          titles, categories and service IDs.
        </EmptyState>
      ) : (
        <ServicesTable services={shown} />
      )}
    </>
  );
}
