import { Skeleton } from "@/components/ui/skeleton";

export default function BatchLoading() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading the batch">
      <Skeleton className="h-8 w-48" />
      <Skeleton className="h-56 w-full" />
      <Skeleton className="h-72 w-full" />
    </div>
  );
}
