/**
 * How amounts, counts and times are shown, on the server and in the browser alike, so a page and a client
 * component never disagree. Times are 24-hour, in the viewer's time zone, with the zone named
 * ("2026-12-01 17:05 UTC"). Pages learn the zone from the `tz` cookie (lib/viewer-time-zone.ts), client
 * components from the same value handed down by the app shell (components/layout/time-zone.tsx).
 */
import { parseMoney, toDecimalString, type Micros } from "./money";

const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 6,
});

/**
 * 80_000n or "0.08" → "$0.08", "1234.5" → "$1,234.50"; no amount → "—", and a string that is not an
 * amount is shown as it came. For display only.
 */
export function formatMoney(amount: Micros | string | null | undefined): string {
  if (amount === null || amount === undefined) return "—";
  let micros: Micros;
  try {
    micros = typeof amount === "string" ? parseMoney(amount) : amount;
  } catch {
    return String(amount);
  }
  // Intl formats a decimal string exactly; going through Number would round large sums.
  return usd.format(toDecimalString(micros) as unknown as number);
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 order", "1,234 orders". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export const TIME_ZONE_COOKIE = "tz";
export const DEFAULT_TIME_ZONE = "UTC";

/**
 * The zone if this runtime knows it ("Europe/Berlin"), else UTC: the cookie is the browser's word. Kept as
 * spelt, not canonicalised, so the server and the browser format with the very same name.
 */
export function resolveTimeZone(candidate: string | null | undefined): string {
  if (!candidate || candidate.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(candidate)) return DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: candidate });
    return candidate;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(timeZone: string, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone} ${withSeconds}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: resolveTimeZone(timeZone),
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      ...(withSeconds ? { second: "2-digit" } : {}),
      timeZoneName: "short",
    });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/**
 * "2026-12-01 17:05 GMT+1" (`seconds`: "2026-12-01 17:05:09 GMT+1"): 24-hour, in `timeZone`, the zone
 * always named. No time → "—"; a string that is not a time is shown as it came.
 */
export function formatDateTime(
  value: Date | string | null | undefined,
  timeZone: string,
  options: { seconds?: boolean } = {},
): string {
  if (value === null || value === undefined || value === "") return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return String(value);
  const withSeconds = options.seconds ?? false;
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value: text } of dateTimeFormat(timeZone, withSeconds).formatToParts(date))
    part[type] = text;
  const time = `${part.hour}:${part.minute}${withSeconds ? `:${part.second}` : ""}`;
  return `${part.year}-${part.month}-${part.day} ${time} ${part.timeZoneName}`;
}
