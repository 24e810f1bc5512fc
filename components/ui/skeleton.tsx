/** A grey placeholder block for loading states. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={`animate-pulse rounded-md bg-slate-200 ${className ?? ""}`} />;
}

/** A table's placeholder: a header band and `rows` rows of cells, the first `widths.length` sized. */
export function SkeletonTable({ rows, widths }: { rows: number; widths: string[] }) {
  return (
    <div
      aria-hidden="true"
      className="animate-pulse overflow-hidden rounded-lg border border-slate-200 bg-white"
    >
      <div className="h-8 bg-slate-100" />
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="flex gap-4 border-t border-slate-100 px-3 py-3">
          {widths.map((width, j) => (
            <div key={j} className={`h-4 rounded bg-slate-200 ${width}`} />
          ))}
        </div>
      ))}
    </div>
  );
}
