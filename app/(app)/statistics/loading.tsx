import { PageHeader } from "@/components/ui/page-header";
import { Skeleton, SkeletonTable } from "@/components/ui/skeleton";

export default function StatisticsLoading() {
  return (
    <div aria-busy="true" aria-label="Loading statistics">
      <PageHeader title="Statistics" description="Adding up spend from stored orders…" />
      <div className="mb-6 grid gap-4 sm:grid-cols-3">
        {Array.from({ length: 3 }, (_, i) => (
          <Skeleton key={i} className="h-22 w-full" />
        ))}
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        {Array.from({ length: 3 }, (_, i) => (
          <SkeletonTable key={i} rows={6} widths={["flex-1", "w-12", "w-16"]} />
        ))}
      </div>
    </div>
  );
}
