/**
 * Calendar days in a time zone as instants: the history's `from`/`to` are days as the viewer reads them,
 * and the database compares instants. Browser-safe (Intl only).
 */

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds. */
export function offsetAt(at: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormats.set(timeZone, format);
  }
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const { type, value } of format.formatToParts(at)) p[type] = Number(value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

/** A "YYYY-MM-DD" day that exists on the calendar, or null. */
export function parseCalendarDay(day: string): { y: number; m: number; d: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, m - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d) return null;
  return { y, m, d };
}

/**
 * The first instant of `day` in `timeZone` (its local midnight; where a DST change skips midnight, the
 * first moment that exists). `addDays` moves along the calendar first: `startOfDay(to, tz, 1)` is the end
 * (exclusive) of the day `to`.
 */
export function startOfDay(day: string, timeZone: string, addDays = 0): Date {
  const parts = parseCalendarDay(day);
  if (!parts) throw new Error(`not a calendar day: ${day}`);
  const wallMidnight = Date.UTC(parts.y, parts.m - 1, parts.d + addDays);
  // Two rounds settle the offset across a DST change at or near midnight.
  let at = wallMidnight - offsetAt(wallMidnight, timeZone);
  at = wallMidnight - offsetAt(at, timeZone);
  return new Date(at);
}

/** Today's date ("YYYY-MM-DD") in `timeZone`, plus `addDays`. */
export function calendarDayIn(timeZone: string, now = new Date(), addDays = 0): string {
  const shifted = new Date(now.getTime() + offsetAt(now.getTime(), timeZone) + addDays * 86_400_000);
  return shifted.toISOString().slice(0, 10);
}
