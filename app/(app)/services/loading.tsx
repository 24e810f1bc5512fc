import { PageHeader } from "@/components/ui/page-header";

export default function ServicesLoading() {
  return (
    <div aria-busy="true" aria-label="Loading the service catalogue">
      <PageHeader title="Services" description="Loading the catalogue…" />
      <div className="mb-4 flex animate-pulse gap-3">
        <div className="h-9 w-72 rounded-md bg-slate-200" />
        <div className="h-9 w-40 rounded-md bg-slate-200" />
        <div className="h-9 w-20 rounded-md bg-slate-200" />
      </div>
      <div className="animate-pulse overflow-hidden rounded-lg border border-slate-200 bg-white">
        <div className="h-8 bg-slate-100" />
        {Array.from({ length: 8 }, (_, i) => (
          <div key={i} className="flex gap-4 border-t border-slate-100 px-3 py-3">
            <div className="h-4 w-12 rounded bg-slate-200" />
            <div className="h-4 flex-1 rounded bg-slate-200" />
            <div className="h-4 w-16 rounded bg-slate-200" />
            <div className="h-4 w-28 rounded bg-slate-200" />
          </div>
        ))}
      </div>
    </div>
  );
}
