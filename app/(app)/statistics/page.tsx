import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { getSpendReport, type SpendRow } from "@/lib/admin/spend";
import { requireUser } from "@/lib/auth/current";
import { coversEveryOwner, ownerScopeFor } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { formatCount, formatMoney } from "@/lib/format";

export const metadata = { title: "Statistics" };

function SpendTable({ title, rows }: { title: string; rows: SpendRow[] }) {
  return (
    <section>
      <h2 className="mb-2 text-sm font-semibold text-slate-700">{title}</h2>
      <Table caption={title}>
        <THead>
          <Tr>
            <Th>{title.replace("By ", "")}</Th>
            <Th className="text-right">Orders</Th>
            <Th className="text-right">Spend</Th>
          </Tr>
        </THead>
        <TBody>
          {rows.map((r) => (
            <Tr key={r.key}>
              <Td className="max-w-xs truncate" title={r.label}>
                {r.label}
              </Td>
              <Td className="text-right tabular-nums">{formatCount(r.orders)}</Td>
              <Td className="text-right tabular-nums">{formatMoney(r.spend)}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </section>
  );
}

// An operator sees their own spend; the whole shop's (by operator too) when the shop lets operators see
// every order, as an admin always does.
export default async function StatisticsPage() {
  const [user, db] = await Promise.all([requireUser(), getDb()]);
  const scope = await ownerScopeFor(db, user, "see");
  const shopWide = coversEveryOwner(scope);
  const report = await getSpendReport(db, scope, { days: 30 });
  return (
    <>
      <PageHeader
        title="Statistics"
        description={`${shopWide ? "The shop's spend" : "Your spend"} since ${report.from} (UTC), computed from stored orders: placed orders, with uncertain and written-off ones (possibly charged) apart.`}
      />
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-sm text-slate-500">Spent (30 days)</p>
          <p className="text-2xl font-semibold tabular-nums" data-testid="total-spend">
            {formatMoney(report.total.spend)}
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-sm text-slate-500">Orders placed</p>
          <p className="text-2xl font-semibold tabular-nums">{formatCount(report.total.orders)}</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-sm text-slate-500">Uncertain (may be charged)</p>
          <p className="text-2xl font-semibold tabular-nums">
            {formatCount(report.uncertain.orders)} · {formatMoney(report.uncertain.spend)}
          </p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <p className="text-sm text-slate-500">Written off (possibly charged)</p>
          <p className="text-2xl font-semibold tabular-nums" data-testid="written-off-spend">
            {formatCount(report.writtenOff.orders)} · {formatMoney(report.writtenOff.spend)}
          </p>
        </div>
      </div>
      <p className="-mt-2 mb-6 text-sm text-slate-600" data-testid="spend-up-to">
        At most {formatMoney(report.upTo.spend)} for {formatCount(report.upTo.orders)} orders, if every
        uncertain and written-off order was charged.
      </p>
      {report.total.orders === 0 ? (
        <EmptyState title="Nothing to count yet">Statistics fill in as orders are placed.</EmptyState>
      ) : (
        <div className={`grid gap-6 ${shopWide ? "lg:grid-cols-3" : "lg:grid-cols-2"}`}>
          <SpendTable title="By day" rows={report.byDay} />
          <SpendTable title="By service" rows={report.byService} />
          {shopWide ? <SpendTable title="By operator" rows={report.byOperator} /> : null}
        </div>
      )}
    </>
  );
}
