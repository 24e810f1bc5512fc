/**
 * A moment as the wall-clock time of a zone. Spreadsheet dates have no zone, so an export writes each
 * moment as it reads on the clock of the person who asked for it (their `tz` cookie or `?tz=`).
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** A Date whose UTC fields are the wall-clock time of `date` in `timeZone`. */
export function toWallClock(date: Date, timeZone: string): Date {
  if (timeZone === "UTC") return date;
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const { type, value } of partsFormat(timeZone).formatToParts(date)) part[type] = Number(value);
  return new Date(
    Date.UTC(
      part.year!,
      part.month! - 1,
      part.day!,
      part.hour!,
      part.minute!,
      part.second!,
      date.getUTCMilliseconds(),
    ),
  );
}

/** "2026-12-01 18:29:05", the wall-clock time in `timeZone`: a form every spreadsheet reads as a date. */
export function formatWallClock(date: Date, timeZone: string): string {
  return toWallClock(date, timeZone).toISOString().slice(0, 19).replace("T", " ");
}
