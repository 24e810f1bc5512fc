/**
 * The batch_lines migration on a database that already holds batches: every order gets its line, in line
 * order, and a repeat cancelled at confirm before `skipped` existed becomes `skipped`, price 0, reusing
 * the earlier order (the newest completed one).
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { migrateDatabase } from "@/lib/db/migrate";
import type { Provider } from "@/lib/db";
import { createPostgresDatabase, createSqliteUrl, describeEachDb } from "@/lib/test/db";

const MIGRATION = "20261201140000_batch_lines";

/** A folder with the provider's migrations before this one. */
function migrationsBefore(provider: Provider): string {
  const source = path.resolve("prisma/migrations", provider);
  const dir = mkdtempSync(path.join(os.tmpdir(), "imei-desk-migrations-"));
  for (const name of readdirSync(source)) {
    if (name >= MIGRATION && !name.endsWith(".toml")) continue;
    cpSync(path.join(source, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

type Sql = {
  run(text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
};

async function connect(provider: Provider, url: string, file?: string): Promise<Sql> {
  if (provider === "sqlite") {
    const db = new Database(file!);
    return {
      run: async (text, values = []) => {
        // `$n` as PostgreSQL numbers them, each occurrence bound in order.
        const bound = [...text.matchAll(/\$(\d+)/g)].map((m) => values[Number(m[1]) - 1]);
        const statement = db.prepare(text.replace(/\$\d+/g, "?"));
        if (statement.reader) return statement.all(...bound) as Record<string, unknown>[];
        statement.run(...bound);
        return [];
      },
      close: async () => void db.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    run: async (text, values = []) => (await client.query(text, values)).rows,
    close: () => client.end(),
  };
}

describeEachDb("the batch_lines migration", (provider) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it("backfills a line per order and turns cancelled repeats into skipped ones", async () => {
    const target = provider === "sqlite" ? createSqliteUrl() : await createPostgresDatabase();
    cleanups.push(() => target.drop());
    const before = migrationsBefore(provider);
    cleanups.push(async () => rmSync(before, { recursive: true, force: true }));
    await migrateDatabase(target.url, before);

    const sql = await connect(provider, target.url, "file" in target ? (target.file as string) : undefined);
    const now = new Date("2026-11-28T10:00:00Z");
    const at = provider === "sqlite" ? now.toISOString() : now;
    await sql.run(
      `INSERT INTO "User" ("id", "email", "name", "passwordHash", "role", "updatedAt") VALUES ('u', 'u@x', 'U', 'x', 'operator', $1)`,
      [at],
    );
    await sql.run(
      `INSERT INTO "Service" ("id", "title", "category", "priceMicros", "deliveryTime", "refreshedAt", "updatedAt") VALUES ('s', 'S', 'c', 80000, 'Instant', $1, $1)`,
      [at],
    );
    for (const id of ["b1", "b2"])
      await sql.run(
        `INSERT INTO "Batch" ("id", "ownerId", "serviceId", "sourceName", "state", "totalLines", "toSubmit", "invalidCount", "duplicatesInBatch", "alreadyOrderedCount", "unitPriceMicros", "estimatedCostMicros", "updatedAt") VALUES ($1, 'u', 's', 'x', 'done', 2, 2, 0, 0, 0, 80000, 160000, $2)`,
        [id, at],
      );
    const order = (
      id: string,
      batch: string,
      imei: string,
      line: number,
      state: string,
      reason: string | null,
    ) =>
      sql.run(
        `INSERT INTO "Order" ("id", "batchId", "serviceId", "ownerId", "imei", "line", "state", "stateReason", "priceMicros", "updatedAt") VALUES ($1, $2, 's', 'u', $3, $4, $5, $6, 80000, $7)`,
        [id, batch, imei, line, state, reason, at],
      );
    await order("o1", "b1", "111", 3, "completed", null);
    await order("o2", "b1", "222", 1, "queued", null);
    await order("o3", "b2", "111", 2, "cancelled", "already ordered for this service; not re-ordered");
    await order("o4", "b2", "333", 5, "cancelled", "batch cancelled");

    await migrateDatabase(target.url);
    const lines = await sql.run(
      `SELECT "batchId", "seq", "line", "input", "imei", "kind", "orderId" FROM "BatchLine" ORDER BY "batchId", "seq"`,
    );
    expect(lines.map((l) => [l.batchId, Number(l.seq), Number(l.line), l.input, l.kind, l.orderId])).toEqual([
      ["b1", 1, 1, "222", "order", "o2"],
      ["b1", 2, 3, "111", "order", "o1"],
      ["b2", 1, 2, "111", "order", "o3"],
      ["b2", 2, 5, "333", "order", "o4"],
    ]);
    const orders = await sql.run(
      `SELECT "id", "state", "priceMicros", "reusedFromId" FROM "Order" ORDER BY "id"`,
    );
    expect(orders.map((o) => [o.id, o.state, Number(o.priceMicros), o.reusedFromId])).toEqual([
      ["o1", "completed", 80000, null],
      ["o2", "queued", 80000, null],
      ["o3", "skipped", 0, "o1"],
      ["o4", "cancelled", 80000, null],
    ]);
    await sql.close();
  });
});
