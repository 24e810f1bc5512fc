import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClasses } from "@/components/ui/button";
import { ORDER_STATES } from "@/lib/orders/states";

const FIELD_CLASSES = "mt-1 block w-full rounded-md border border-slate-300 px-2.5 py-2 text-sm";

function FilterField({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <label className={`text-sm ${className ?? ""}`}>
      <span className="font-medium text-slate-700">{label}</span>
      {children}
    </label>
  );
}

/**
 * The order history's filters as a plain GET form: the filter lives in the URL, so a search can be
 * bookmarked and the page reads it on the server. `values` are the current query parameters.
 */
export function OrdersFilters({
  values,
  hasFilters,
}: {
  values: Record<string, string>;
  hasFilters: boolean;
}) {
  return (
    <form
      method="get"
      className="mb-6 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-6"
    >
      <FilterField label="IMEIs" className="sm:col-span-2">
        <input
          name="imei"
          defaultValue={values.imei}
          placeholder="one or more, separated by spaces or commas"
          className={FIELD_CLASSES}
        />
      </FilterField>
      <FilterField label="State">
        <select name="status" defaultValue={values.status ?? ""} className={FIELD_CLASSES}>
          <option value="">any</option>
          {ORDER_STATES.filter((s) => s !== "draft").map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </FilterField>
      <FilterField label="Service id">
        <input name="serviceId" defaultValue={values.serviceId} className={FIELD_CLASSES} />
      </FilterField>
      <FilterField label="From">
        <input type="date" name="from" defaultValue={values.from} className={FIELD_CLASSES} />
      </FilterField>
      <FilterField label="To">
        <input type="date" name="to" defaultValue={values.to} className={FIELD_CLASSES} />
      </FilterField>
      {values.batchId ? <input type="hidden" name="batchId" value={values.batchId} /> : null}
      <div className="flex items-end gap-2 sm:col-span-6">
        <button type="submit" className={buttonClasses("primary")}>
          Search
        </button>
        {hasFilters ? (
          <Link href="/orders" className={buttonClasses("ghost")}>
            Clear filters
          </Link>
        ) : null}
      </div>
    </form>
  );
}
