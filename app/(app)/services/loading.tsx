import { PageHeader } from "@/components/ui/page-header";
import { Skeleton, SkeletonTable } from "@/components/ui/skeleton";

export default function ServicesLoading() {
  return (
    <div aria-busy="true" aria-label="Loading the service catalogue">
      <PageHeader title="Services" description="Loading the catalogue…" />
      <div className="mb-4 flex gap-3">
        <Skeleton className="h-9 w-72" />
        <Skeleton className="h-9 w-40" />
        <Skeleton className="h-9 w-20" />
      </div>
      <SkeletonTable rows={8} widths={["w-12", "flex-1", "w-16", "w-28"]} />
    </div>
  );
}
