/**
 * Applies the committed SQL migrations (prisma/migrations/<provider>/<name>/migration.sql) and records
 * them in `_prisma_migrations` exactly as Prisma does (SHA-256 of the file as checksum), so that
 * `prisma migrate deploy` agrees with this runner wherever the Prisma engine is available.
 *
 * Idempotent, and safe when two processes start at once: PostgreSQL takes an advisory lock, SQLite a
 * `BEGIN IMMEDIATE` write lock, around the whole run. Raw drivers on purpose: this runs before the
 * Prisma client is opened, and a migration is one multi-statement script.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

export type Provider = "sqlite" | "postgresql";

export type Migration = { name: string; sql: string; checksum: string };
export type MigrateResult = { applied: string[]; alreadyApplied: number };

// Prisma's own advisory lock key for migrations, so this runner and `prisma migrate` exclude each other.
const PG_ADVISORY_LOCK_KEY = 72707369;

export function providerOf(databaseUrl: string): Provider {
  return databaseUrl.startsWith("file:") ? "sqlite" : "postgresql";
}

/** The path of a `file:` SQLite URL, resolved against the working directory. */
export function sqlitePathOf(databaseUrl: string): string {
  return path.resolve(databaseUrl.replace(/^file:/, "").replace(/\?.*$/, ""));
}

export function migrationsDir(provider: Provider): string {
  return path.join(process.cwd(), "prisma", "migrations", provider);
}

export function readMigrations(provider: Provider, dir = migrationsDir(provider)): Migration[] {
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

type AppliedRow = { migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown };

function checkHistory(migrations: Migration[], rows: AppliedRow[]): Migration[] {
  const byName = new Map(rows.filter((r) => r.rolled_back_at == null).map((r) => [r.migration_name, r]));
  for (const row of byName.values()) {
    if (row.finished_at == null) {
      throw new Error(
        `Migration ${row.migration_name} failed earlier and left the database half-migrated; fix it by hand`,
      );
    }
    const local = migrations.find((m) => m.name === row.migration_name);
    if (!local)
      throw new Error(`Migration ${row.migration_name} is applied but missing from prisma/migrations`);
    if (local.checksum !== row.checksum) {
      throw new Error(`Migration ${row.migration_name} was edited after it was applied (checksum differs)`);
    }
  }
  return migrations.filter((m) => !byName.has(m.name));
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const PG_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

function migrateSqlite(file: string, migrations: Migration[]): MigrateResult {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 30_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.exec(SQLITE_TABLE);
    // IMMEDIATE takes the write lock up front: a second process starting now waits (busy timeout),
    // then sees the migrations as applied.
    db.exec("BEGIN IMMEDIATE");
    try {
      const rows = db
        .prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`)
        .all() as AppliedRow[];
      const pending = checkHistory(migrations, rows);
      for (const m of pending) {
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), m.checksum, Date.now(), m.name, Date.now());
      }
      db.exec("COMMIT");
      return { applied: pending.map((m) => m.name), alreadyApplied: migrations.length - pending.length };
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PG_ADVISORY_LOCK_KEY]);
    try {
      await client.query(PG_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
      );
      const pending = checkHistory(migrations, rows);
      for (const m of pending) {
        await client.query("BEGIN");
        try {
          await client.query(m.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
             VALUES ($1, $2, now(), $3, now(), 1)`,
            [randomUUID(), m.checksum, m.name],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${m.name} failed: ${(error as Error).message}`);
        }
      }
      return { applied: pending.map((m) => m.name), alreadyApplied: migrations.length - pending.length };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PG_ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** Applies every pending migration to the database at `databaseUrl`. */
export async function migrateDatabase(databaseUrl: string, dir?: string): Promise<MigrateResult> {
  const provider = providerOf(databaseUrl);
  const folder = dir ?? migrationsDir(provider);
  if (!existsSync(/*turbopackIgnore: true*/ folder)) throw new Error(`No migrations folder at ${folder}`);
  const migrations = readMigrations(provider, folder);
  return provider === "sqlite"
    ? migrateSqlite(sqlitePathOf(databaseUrl), migrations)
    : migratePostgres(databaseUrl, migrations);
}
