import { formatCount } from "@/lib/format";

export type ProgressSegment = { value: number; className: string; label: string };

/**
 * A progress bar of `value` out of `max`, optionally drawn as coloured segments (which should add up to
 * `value`). Screen readers get the numbers and the label.
 */
export function ProgressBar({
  value,
  max,
  label,
  segments,
}: {
  value: number;
  max: number;
  label: string;
  segments?: ProgressSegment[];
}) {
  const width = (n: number) => `${max > 0 ? Math.min(100, (n / max) * 100) : 0}%`;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={`${formatCount(value)} of ${formatCount(max)}`}
      className="flex h-3 w-full overflow-hidden rounded-full bg-slate-200"
    >
      {(segments ?? [{ value, className: "bg-indigo-600", label }])
        .filter((s) => s.value > 0)
        .map((s) => (
          <div
            key={s.label}
            title={`${s.label}: ${formatCount(s.value)}`}
            className={`h-full transition-[width] duration-500 ${s.className}`}
            style={{ width: width(s.value) }}
          />
        ))}
    </div>
  );
}
