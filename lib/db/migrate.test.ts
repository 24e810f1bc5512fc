import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db, type Provider } from "@/lib/db";
import { migrateDatabase, readMigrations } from "@/lib/db/migrate";
import { diffDatabaseToSchema, generatedSchemaPath } from "@/lib/db/schema-engine";
import { createPostgresDatabase, createSqliteUrl, describeEachDb } from "@/lib/test/db";

const run = promisify(execFile);

async function freshUrl(provider: Provider) {
  return provider === "sqlite" ? createSqliteUrl() : await createPostgresDatabase();
}

type FieldInfo = { name: string; kind: string; type: string };
type ModelInfo = { fields: FieldInfo[] };

// The generated client's own description of every model and field of schema.prisma.
const generatedClass = readFileSync(path.resolve("lib/generated/sqlite/internal/class.ts"), "utf8");
const dataModelLiteral = generatedClass.match(/config\.runtimeDataModel = JSON\.parse\((".*")\)/)?.[1] ?? "";
const models = (JSON.parse(JSON.parse(dataModelLiteral) as string) as { models: Record<string, ModelInfo> })
  .models;

// Models keyed by several fields (`@@id([a, b])`), read from the schema: their unique key is `a_b`.
const compoundIds = new Map(
  [
    ...readFileSync(path.resolve("prisma/schema.prisma"), "utf8").matchAll(
      /model (\w+) \{[^}]*@@id\(\[([^\]]+)\]\)/g,
    ),
  ].map((m) => [m[1]!, m[2]!.split(",").map((f) => f.trim())]),
);

function uniqueWhere(name: string, data: Record<string, unknown>): Record<string, unknown> {
  const fields = compoundIds.get(name);
  if (!fields) return { id: data.id };
  return { [fields.join("_")]: Object.fromEntries(fields.map((f) => [f, data[f]])) };
}

function sampleValue(field: FieldInfo, seq: number): unknown {
  switch (field.type) {
    case "String":
      return `${field.name}-${seq}`;
    case "Int":
      return 2_000_000_000 + seq;
    case "BigInt":
      return 9_007_199_254_740_993n + BigInt(seq); // beyond a float's exact range on purpose
    case "Boolean":
      return true;
    case "DateTime":
      return new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    case "Float":
      return 0.5;
    default:
      throw new Error(`no sample for ${field.type}`);
  }
}

/** Writes one row into every model, every scalar field set, then reads each back and compares. */
async function roundTripEveryModel(db: Db) {
  const created = new Map<string, Record<string, unknown>>();
  const pending = new Set(Object.keys(models));
  let seq = 0;
  while (pending.size > 0) {
    let progressed = false;
    for (const name of [...pending]) {
      const model = models[name]!;
      const relations = model.fields.filter((f) => f.kind === "object");
      // A scalar `<relation>Id` beside a to-one relation is its foreign key.
      const foreignKeys = relations
        .map((r) => ({ relation: r, fk: model.fields.find((f) => f.name === `${r.name}Id`) }))
        .filter((x) => x.fk);
      if (foreignKeys.some(({ relation }) => relation.type !== name && !created.has(relation.type))) continue;
      const data: Record<string, unknown> = {};
      for (const field of model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum")) {
        data[field.name] = sampleValue(field, (seq += 1));
      }
      for (const { relation, fk } of foreignKeys) {
        data[fk!.name] = relation.type === name ? null : created.get(relation.type)!.id;
      }
      const delegate = (
        db.prisma as unknown as Record<
          string,
          {
            create(args: unknown): Promise<unknown>;
            findUniqueOrThrow(args: unknown): Promise<Record<string, unknown>>;
          }
        >
      )[name.charAt(0).toLowerCase() + name.slice(1)]!;
      await delegate.create({ data });
      const back = await delegate.findUniqueOrThrow({ where: uniqueWhere(name, data) });
      for (const [key, value] of Object.entries(data)) {
        if (key === "updatedAt") continue; // @updatedAt is set by Prisma on write
        expect(back[key], `${name}.${key}`).toEqual(value);
      }
      created.set(name, data);
      pending.delete(name);
      progressed = true;
    }
    if (!progressed) throw new Error(`cannot order models: ${[...pending].join(", ")}`);
  }
  return created.size;
}

describeEachDb("migrations", (provider) => {
  let target: Awaited<ReturnType<typeof freshUrl>>;
  beforeAll(async () => {
    target = await freshUrl(provider);
  });
  afterAll(async () => {
    await target.drop();
  });

  it("applies every migration to a fresh database and records it as Prisma does", async () => {
    const result = await migrateDatabase(target.url);
    const local = readMigrations(provider);
    expect(result.applied).toEqual(local.map((m) => m.name));
    const db = await openDb(target.url, { migrate: false });
    try {
      const rows = await db.prisma.$queryRawUnsafe<
        { migration_name: string; checksum: string; finished_at: unknown }[]
      >(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`);
      expect(rows.map((r) => r.migration_name)).toEqual(local.map((m) => m.name));
      for (const [i, row] of rows.entries()) {
        const file = readFileSync(
          path.resolve("prisma/migrations", provider, row.migration_name, "migration.sql"),
        );
        expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
        expect(row.checksum).toBe(local[i]!.checksum);
        expect(row.finished_at).not.toBeNull();
      }
    } finally {
      await db.close();
    }
  });

  it("is idempotent", async () => {
    expect(await migrateDatabase(target.url)).toEqual({
      applied: [],
      alreadyApplied: readMigrations(provider).length,
    });
  });

  it("leaves a database that matches schema.prisma exactly", async () => {
    expect(await diffDatabaseToSchema(target.url, generatedSchemaPath(provider))).toBe("");
  });

  it("makes every model and field readable and writable through the client", async () => {
    const db = await openDb(target.url, { migrate: false });
    try {
      expect(await roundTripEveryModel(db)).toBe(Object.keys(models).length);
    } finally {
      await db.close();
    }
  });

  it("notices a database that drifted from the schema", async () => {
    const drifted = await freshUrl(provider);
    try {
      await migrateDatabase(drifted.url);
      const db = await openDb(drifted.url, { migrate: false });
      await db.prisma.$executeRawUnsafe(`DROP INDEX "AuditEvent_createdAt_idx"`);
      await db.close();
      expect(await diffDatabaseToSchema(drifted.url, generatedSchemaPath(provider))).toMatch(
        /AuditEvent_createdAt_idx/,
      );
    } finally {
      await drifted.drop();
    }
  });

  it("refuses a migration edited after it was applied", async () => {
    const db = await openDb(target.url, { migrate: false });
    await db.prisma.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET checksum = 'edited'`);
    await db.close();
    await expect(migrateDatabase(target.url)).rejects.toThrow(/edited after it was applied/);
  });

  it("is safe when two processes start at once", async () => {
    const both = await freshUrl(provider);
    try {
      const env = { ...process.env, DATABASE_URL: both.url };
      const tsx = path.resolve("node_modules/.bin/tsx");
      const outputs = await Promise.all([1, 2].map(() => run(tsx, ["scripts/db-migrate.ts"], { env })));
      const applied = outputs.filter((o) => o.stdout.includes("Applied")).length;
      expect(applied).toBe(1);
      expect(outputs.map((o) => o.stdout).join("")).toMatch(/up to date/);
      expect(await diffDatabaseToSchema(both.url, generatedSchemaPath(provider))).toBe("");
    } finally {
      await both.drop();
    }
  });
});
