import type { ReactNode } from "react";

export type AlertTone = "error" | "warning" | "info" | "success";

const TONES: Record<AlertTone, string> = {
  error: "border-red-200 bg-red-50 text-red-800",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  info: "border-sky-200 bg-sky-50 text-sky-900",
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
};

/** A boxed message. Errors are announced (role="alert"); the rest are polite status messages. */
export function Alert({
  tone = "info",
  title,
  children,
  action,
}: {
  tone?: AlertTone;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={`rounded-lg border px-4 py-3 text-sm ${TONES[tone]}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="font-semibold">{title}</p>
        {action}
      </div>
      {children ? <div className="mt-1 space-y-2">{children}</div> : null}
    </div>
  );
}
