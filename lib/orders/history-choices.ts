/**
 * What the history page offers to choose from: the services that have orders (chosen by name), the
 * values the stored results hold for each filtered field, and (for someone who sees every operator's
 * orders) the operators. Each list is read with a loose index scan (one index seek per distinct value,
 * not a pass over the orders), so it stays cheap at a million orders.
 */
import "server-only";
import { coversEveryOwner, type OwnerScope } from "@/lib/auth/permissions";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/sqlite/client";

export type Choice = { value: string; label: string };

export type HistoryChoices = {
  services: Choice[];
  carrier: Choice[];
  simLock: Choice[];
  fmi: Choice[];
  model: Choice[];
  /** Empty unless the scope covers every operator. */
  operators: Choice[];
};

// A field with more distinct values than this (models, say) offers the first ones; any value can be typed.
const MAX_VALUES = 200;

/** The distinct non-null values of an indexed column, each found by one seek past the previous one. */
async function distinctValues(db: Db, column: string, limit: number): Promise<string[]> {
  const col = Prisma.raw(`"${column}"`);
  const rows = await db.prisma.$queryRaw<{ v: string | null }[]>`
    WITH RECURSIVE "seen"("v", "n") AS (
      SELECT (SELECT MIN(${col}) FROM "Order"), 1
      UNION ALL
      SELECT (SELECT MIN(${col}) FROM "Order" WHERE ${col} > "seen"."v"), "seen"."n" + 1
      FROM "seen" WHERE "seen"."v" IS NOT NULL AND "seen"."n" < ${limit}
    )
    SELECT "v" FROM "seen" WHERE "v" IS NOT NULL`;
  return rows.map((r) => r.v!);
}

/** A result field's values: the search key, shown as one order spelt it. */
async function resultFieldChoices(db: Db, field: "carrier" | "simLock" | "fmi" | "model"): Promise<Choice[]> {
  const keys = await distinctValues(db, `${field}Key`, MAX_VALUES);
  if (keys.length === 0) return [];
  const col = Prisma.raw(`"${field}"`);
  const key = Prisma.raw(`"${field}Key"`);
  const choices = await Promise.all(
    keys.map(async (k) => {
      const [row] = await db.prisma.$queryRaw<{ label: string | null }[]>`
        SELECT ${col} AS "label" FROM "Order" WHERE ${key} = ${k} LIMIT 1`;
      return { value: row?.label ?? k, label: row?.label ?? k };
    }),
  );
  return choices.sort((a, b) => a.label.localeCompare(b.label));
}

export async function listHistoryChoices(db: Db, scope: OwnerScope): Promise<HistoryChoices> {
  const [serviceIds, carrier, simLock, fmi, model, users] = await Promise.all([
    distinctValues(db, "serviceId", 1000),
    resultFieldChoices(db, "carrier"),
    resultFieldChoices(db, "simLock"),
    resultFieldChoices(db, "fmi"),
    resultFieldChoices(db, "model"),
    coversEveryOwner(scope)
      ? db.prisma.user.findMany({ select: { id: true, name: true, email: true }, orderBy: { email: "asc" } })
      : [],
  ]);
  const services = await db.prisma.service.findMany({
    where: { id: { in: serviceIds } },
    select: { id: true, title: true },
  });
  return {
    services: services
      .map((s) => ({ value: s.id, label: s.title }))
      .sort((a, b) => a.label.localeCompare(b.label)),
    carrier,
    simLock,
    fmi,
    model,
    operators: users.map((u) => ({ value: u.id, label: u.name ? `${u.name} (${u.email})` : u.email })),
  };
}
