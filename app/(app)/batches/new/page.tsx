import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "New batch" };

export default function NewBatchPage() {
  return (
    <>
      <PageHeader title="New batch" description="Upload a CSV or paste IMEIs" />
      <EmptyState title="Nothing here yet">Batch creation arrives with the order engine. You will pick a service, drop a CSV of up to 20,000 IMEIs and see the count and cost before anything is placed.</EmptyState>
    </>
  );
}
