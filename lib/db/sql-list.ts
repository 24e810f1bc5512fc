/**
 * A list of values as ONE bound parameter, for `"column" IN ${sqlList(db.provider, values)}`.
 *
 * A list bound value by value hits the parameter limit: better-sqlite3's SQLite allows 32,766 per
 * statement, PostgreSQL 65,535, and Prisma assumes 999 on SQLite (32,766 on PostgreSQL). Prisma splits a
 * plain `findMany`/`updateMany` `in` list into several queries by itself, but refuses (P2029) one with
 * `orderBy`, `take`, `count` or `notIn`. Sent as JSON text and unpacked by the database, a list of any
 * length is one parameter on both.
 */
import { Prisma } from "@/lib/generated/sqlite/client";
import type { Provider } from "./migrate";

export function sqlList(provider: Provider, values: readonly string[]): Prisma.Sql {
  const json = JSON.stringify(values);
  return provider === "postgresql"
    ? Prisma.sql`(SELECT jsonb_array_elements_text(${json}::jsonb))`
    : Prisma.sql`(SELECT "value" FROM json_each(${json}))`;
}
