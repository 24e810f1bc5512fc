import Link from "next/link";
import type { ReactNode } from "react";
import { buttonClasses } from "@/components/ui/button";
import type { Choice, HistoryChoices } from "@/lib/orders/history-choices";
import { ORDER_SORTS, UPSTREAM_STATUSES } from "@/lib/orders/schemas";
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

function Select({
  name,
  value,
  choices,
  any = "any",
}: {
  name: string;
  value: string | undefined;
  choices: Choice[];
  any?: string;
}) {
  return (
    <select name={name} defaultValue={value ?? ""} className={FIELD_CLASSES}>
      <option value="">{any}</option>
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** A free-text result filter, offering the values the stored results hold (compared ignoring case). */
function ResultField({
  name,
  label,
  value,
  choices,
}: {
  name: string;
  label: string;
  value: string | undefined;
  choices: Choice[];
}) {
  return (
    <FilterField label={label}>
      <input
        name={name}
        defaultValue={value}
        list={`${name}-choices`}
        autoComplete="off"
        placeholder="any"
        className={FIELD_CLASSES}
      />
      <datalist id={`${name}-choices`}>
        {choices.map((c) => (
          <option key={c.value} value={c.value} />
        ))}
      </datalist>
    </FilterField>
  );
}

const SORT_LABELS: Record<(typeof ORDER_SORTS)[number], string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  imei: "IMEI",
};

/**
 * The order history's filters as a plain GET form: the filter lives in the URL, so a search can be
 * bookmarked and the page reads it on the server. `values` are the current query parameters; `ranges`
 * are ready-made day ranges in the viewer's zone (links that keep the other filters).
 */
export function OrdersFilters({
  values,
  hasFilters,
  choices,
  ranges,
  batch,
}: {
  values: Record<string, string>;
  hasFilters: boolean;
  choices: HistoryChoices;
  ranges: { label: string; href: string }[];
  /** The batch filter, named (a batch the viewer may not see is named by nothing but its filter). */
  batch: { name: string; clearHref: string } | null;
}) {
  return (
    <form
      method="get"
      className="mb-6 grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 lg:grid-cols-6"
    >
      <FilterField label="IMEI or part of one" className="col-span-2">
        <input
          name="q"
          defaultValue={values.q}
          inputMode="numeric"
          placeholder="at least 4 digits"
          className={FIELD_CLASSES}
        />
      </FilterField>
      <FilterField label="IMEI list" className="col-span-2 lg:col-span-4">
        <textarea
          name="imei"
          defaultValue={values.imei}
          rows={values.imei ? 3 : 1}
          placeholder="paste up to 10,000, separated by lines, spaces or commas"
          className={`${FIELD_CLASSES} font-mono`}
        />
      </FilterField>
      <FilterField label="State">
        <Select
          name="state"
          value={values.state ?? values.status}
          choices={ORDER_STATES.filter((s) => s !== "draft").map((s) => ({ value: s, label: s }))}
        />
      </FilterField>
      <FilterField label="Upstream status">
        <Select
          name="upstreamStatus"
          value={values.upstreamStatus}
          choices={UPSTREAM_STATUSES.map((s) => ({ value: s, label: s.replace("_", " ") }))}
        />
      </FilterField>
      <FilterField label="Service" className="col-span-2">
        <Select name="serviceId" value={values.serviceId} choices={choices.services} />
      </FilterField>
      {choices.operators.length > 0 ? (
        <FilterField label="Operator">
          <Select name="operator" value={values.operator} choices={choices.operators} any="everyone" />
        </FilterField>
      ) : null}
      <FilterField label="Overdue">
        <Select
          name="overdue"
          value={values.overdue}
          choices={[
            { value: "true", label: "overdue only" },
            { value: "false", label: "on time only" },
          ]}
        />
      </FilterField>
      <FilterField label="From (day)">
        <input type="date" name="from" defaultValue={values.from} className={FIELD_CLASSES} />
      </FilterField>
      <FilterField label="To (day, included)">
        <input type="date" name="to" defaultValue={values.to} className={FIELD_CLASSES} />
      </FilterField>
      <ResultField name="carrier" label="Carrier" value={values.carrier} choices={choices.carrier} />
      <ResultField name="simLock" label="SIM lock" value={values.simLock} choices={choices.simLock} />
      <ResultField name="fmi" label="FMI" value={values.fmi} choices={choices.fmi} />
      <ResultField name="model" label="Model" value={values.model} choices={choices.model} />
      <FilterField label="Sort by">
        <select name="sort" defaultValue={values.sort ?? "newest"} className={FIELD_CLASSES}>
          {ORDER_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </FilterField>
      {values.batchId ? <input type="hidden" name="batchId" value={values.batchId} /> : null}
      {batch ? (
        <p className="col-span-2 self-end text-sm text-slate-700 lg:col-span-2" data-testid="batch-filter">
          Batch: <span className="font-medium">{batch.name}</span>{" "}
          <Link className="text-indigo-700 hover:underline" href={batch.clearHref}>
            (all batches)
          </Link>
        </p>
      ) : null}
      <div className="col-span-2 flex flex-wrap items-end gap-2 lg:col-span-6">
        <button type="submit" className={buttonClasses("primary")}>
          Search
        </button>
        {hasFilters ? (
          <Link href="/orders" className={buttonClasses("ghost")}>
            Clear filters
          </Link>
        ) : null}
        <span className="ml-auto flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-600">
          Days:
          {ranges.map((r) => (
            <Link key={r.label} className="text-indigo-700 hover:underline" href={r.href}>
              {r.label}
            </Link>
          ))}
        </span>
      </div>
    </form>
  );
}
