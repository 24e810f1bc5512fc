import { Prisma } from "@/lib/generated/sqlite/client";

/**
 * The normalised copy a result filter compares with: `lower(trim(value))`, empty as NULL, computed by the
 * database on write (transitions/sync.ts), in the migration's backfill and on the filter's value alike, so
 * the three always agree (SQLite's lower() folds ASCII only, PostgreSQL's every letter: each database
 * agrees with itself).
 */
export function searchKey(value: string | null): Prisma.Sql {
  return Prisma.sql`NULLIF(lower(trim(${value})), '')`;
}
