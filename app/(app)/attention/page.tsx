import Link from "next/link";
import { AttentionList } from "@/components/orders/attention-list";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/current";
import { actingScopeOf, coversEveryOwner } from "@/lib/auth/permissions";
import { getDb } from "@/lib/db";
import { formatCount } from "@/lib/format";
import { listAttentionOrders } from "@/lib/orders/queries";

export const metadata = { title: "Needs attention" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// Only what the user may decide (their own; an admin: everyone's), whatever the shop lets them see.
export default async function AttentionPage({ searchParams }: { searchParams: SearchParams }) {
  const { batch } = await searchParams;
  const batchId = typeof batch === "string" && batch !== "" ? batch : undefined;
  const [user, db] = await Promise.all([requireUser(), getDb()]);
  const scope = actingScopeOf(user);
  const { orders, total } = await listAttentionOrders(db, scope, { batchId });
  const shown = orders.length < total ? ` The ${formatCount(orders.length)} oldest are shown.` : "";
  return (
    <>
      <PageHeader
        title="Needs attention"
        description={
          total > 0
            ? `${formatCount(total)} order${total === 1 ? "" : "s"} lost the answer from GSM Fusion: each may or may not have been placed and charged. IMEI Desk looks for them on GSM Fusion by itself and settles what it can; decide the rest here, many at once.${shown}`
            : "Orders whose outcome the app could not know wait here for a person."
        }
        actions={
          batchId ? (
            <Link className={buttonClasses("secondary")} href="/attention">
              Show every batch
            </Link>
          ) : undefined
        }
      />
      <AttentionList
        orders={orders.map((o) => ({ ...o, since: o.since.toISOString() }))}
        showOwner={coversEveryOwner(scope)}
        empty={
          <EmptyState
            title={batchId ? "Nothing in this batch needs a decision" : "Nothing needs a decision"}
            action={
              <Link className={buttonClasses("secondary")} href="/orders">
                See all orders
              </Link>
            }
          >
            When the answer to an order is lost (a dropped connection, a timeout, a crash mid-call), GSM
            Fusion may have placed and charged it, so the app never guesses. Such an order waits here until
            you decide: link it to the order id you find on the GSM Fusion site (paste many at once from its
            export), queue it again (a repeat is refused, never paid twice), or write it off.
          </EmptyState>
        }
      />
    </>
  );
}
