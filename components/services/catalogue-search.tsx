import Form from "next/form";
import Link from "next/link";

/** The search box and category filter: a GET form, so every search is a shareable URL (`?q=&category=`). */
export function CatalogueSearch({
  q,
  category,
  categories,
}: {
  q?: string;
  category?: string;
  categories: string[];
}) {
  const inputClass =
    "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none";
  return (
    // Keyed on the query: inputs are uncontrolled, so after a client-side navigation (Clear, a link)
    // they must remount to show the URL's values rather than what was last typed.
    <Form
      key={`${q ?? ""}\u0000${category ?? ""}`}
      action="/services"
      role="search"
      className="mb-4 flex flex-wrap items-end gap-3"
    >
      <div className="flex flex-col gap-1">
        <label htmlFor="services-q" className="text-xs font-medium text-slate-600">
          Search
        </label>
        <input
          id="services-q"
          type="search"
          name="q"
          defaultValue={q ?? ""}
          placeholder="Title, category or ID"
          maxLength={200}
          className={`${inputClass} w-72`}
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="services-category" className="text-xs font-medium text-slate-600">
          Category
        </label>
        <select id="services-category" name="category" defaultValue={category ?? ""} className={inputClass}>
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </div>
      <button
        type="submit"
        className="rounded-md bg-indigo-600 px-4 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 focus:ring-2 focus:ring-indigo-300 focus:outline-none"
      >
        Search
      </button>
      {q || category ? (
        <Link href="/services" className="py-1.5 text-sm text-slate-600 underline hover:text-slate-900">
          Clear
        </Link>
      ) : null}
    </Form>
  );
}
