import { formatMoney, parseMoney } from "@/lib/money";

/** "98.72" → "$98.72"; an amount that cannot be read is shown as it came. */
export function formatAmount(decimal: string | null | undefined): string {
  if (decimal === null || decimal === undefined) return "—";
  try {
    return formatMoney(parseMoney(decimal));
  } catch {
    return decimal;
  }
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 order", "1,234 orders". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
