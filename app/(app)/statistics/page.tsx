import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "Statistics" };

export default function StatisticsPage() {
  return (
    <>
      <PageHeader title="Statistics" description="Spend per day, per service and per operator, computed from stored orders." />
      <EmptyState title="Nothing here yet">Nothing to count yet. Statistics fill in as orders are placed.</EmptyState>
    </>
  );
}
