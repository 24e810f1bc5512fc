/**
 * Searching and ordering the cached catalogue. Done in JS rather than in SQL: the catalogue is a few
 * hundred rows, and SQLite's LIKE and PostgreSQL's `contains` disagree on case, so the same search would
 * answer differently on the two databases.
 */
import type { Micros } from "@/lib/money";

/** One cached upstream service, as the app sees it. */
export type CatalogueService = {
  id: string;
  kind: string;
  title: string;
  category: string;
  priceMicros: Micros;
  deliveryTime: string;
  deliveryMaxMins: number | null;
  mustReadHtml: string;
  isActive: boolean;
  refreshedAt: Date;
};

export type CatalogueFilter = { q?: string; category?: string };

// Numeric so that "10-7.10#" sorts after "10-7.9#"; base sensitivity so case does not split groups.
const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Orders by category, then title, then id, the same on every database. */
export function sortCatalogue<T extends Pick<CatalogueService, "id" | "title" | "category">>(
  services: T[],
): T[] {
  return [...services].sort(
    (a, b) =>
      collator.compare(a.category, b.category) ||
      collator.compare(a.title, b.title) ||
      collator.compare(a.id, b.id),
  );
}

/**
 * Keeps the services whose title, category or id contain every word of `q` (case-insensitive), and,
 * when `category` is given, only that category.
 */
export function filterCatalogue<T extends Pick<CatalogueService, "id" | "title" | "category">>(
  services: T[],
  filter: CatalogueFilter,
): T[] {
  const words = (filter.q ?? "").toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const category = filter.category?.trim().toLocaleLowerCase();
  return services.filter((service) => {
    if (category && service.category.toLocaleLowerCase() !== category) return false;
    const haystack = `${service.title}\n${service.category}\n${service.id}`.toLocaleLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}
