import { PageHeader } from "@/components/ui/page-header";
import { Skeleton, SkeletonTable } from "@/components/ui/skeleton";

// In the (list) group so that it does not wrap orders/[id]: a loading boundary there would start the
// response before notFound() runs, and an unknown order would answer 200 instead of 404.
export default function OrdersLoading() {
  return (
    <div aria-busy="true" aria-label="Loading orders">
      <PageHeader title="Orders" description="Loading orders…" />
      <Skeleton className="mb-6 h-36 w-full" />
      <SkeletonTable rows={10} widths={["w-36", "w-20", "w-12", "w-24", "flex-1", "w-14", "w-32"]} />
    </div>
  );
}
