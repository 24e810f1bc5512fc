import { NewBatchForm } from "@/components/batches/new-batch-form";
import { PageHeader } from "@/components/ui/page-header";

export const metadata = { title: "New batch" };

export default function NewBatchPage() {
  return (
    <>
      <PageHeader
        title="New batch"
        description="Pick a service, add up to 20,000 IMEIs, check the count and the cost, then confirm. Nothing is placed before you confirm."
      />
      <NewBatchForm />
    </>
  );
}
