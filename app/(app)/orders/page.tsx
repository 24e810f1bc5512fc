import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "Orders" };

export default function OrdersPage() {
  return (
    <>
      <PageHeader title="Orders" description="Every order, searchable by IMEI, state, service and date." />
      <EmptyState title="Nothing here yet">No orders yet. Orders appear here once a batch is confirmed.</EmptyState>
    </>
  );
}
