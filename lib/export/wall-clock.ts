/**
 * A moment as the wall-clock time of a zone. Spreadsheet dates have no zone, so an export writes each
 * moment as it reads on the clock of the person who asked for it (their `tz` cookie or `?tz=`).
 */
import { offsetAt } from "@/lib/calendar-day";

/** A Date whose UTC fields are the wall-clock time of `date` in `timeZone`. */
export function toWallClock(date: Date, timeZone: string): Date {
  return new Date(date.getTime() + offsetAt(date.getTime(), timeZone));
}

/** "2026-12-01 18:29:05", the wall-clock time in `timeZone`: a form every spreadsheet reads as a date. */
export function formatWallClock(date: Date, timeZone: string): string {
  return toWallClock(date, timeZone).toISOString().slice(0, 19).replace("T", " ");
}
