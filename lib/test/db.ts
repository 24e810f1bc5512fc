/**
 * Real databases for tests: a fresh SQLite file per call, and a fresh PostgreSQL database per call
 * (created on the server at TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * When PostgreSQL is unreachable outside CI its suites say so and skip; under CI=true they fail.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe } from "vitest";
import { openDb, type Db, type Provider } from "@/lib/db";

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const tmpRoot = path.join(os.tmpdir(), "imei-desk-tests");

export type TestDb = Db & { drop(): Promise<void> };

let postgresReachable: Promise<boolean> | undefined;
export function isPostgresReachable(): Promise<boolean> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return postgresReachable;
}

function uniqueName(): string {
  return `imei_desk_test_${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

export function postgresUrlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName();
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    url: postgresUrlFor(name),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export function createSqliteUrl(): { url: string; file: string; drop(): Promise<void> } {
  mkdirSync(tmpRoot, { recursive: true });
  const file = path.join(tmpRoot, `${uniqueName()}.db`);
  return {
    url: `file:${file}`,
    file,
    drop: async () => {
      for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    },
  };
}

/** A fresh, migrated database of the given provider. */
export async function createTestDb(provider: Provider): Promise<TestDb> {
  const target = provider === "sqlite" ? createSqliteUrl() : await createPostgresDatabase();
  const db = await openDb(target.url);
  return {
    ...db,
    drop: async () => {
      await db.close();
      await target.drop();
    },
  };
}

const postgresAvailable = await isPostgresReachable();
if (!postgresAvailable && process.env.CI === "true") {
  throw new Error(
    `PostgreSQL is not reachable at ${ADMIN_URL}, and CI=true requires the PostgreSQL tests to run`,
  );
}

/**
 * Runs a suite once per database. Outside CI, the PostgreSQL run is skipped (and says so) when no server
 * answers.
 */
export function describeEachDb(name: string, body: (provider: Provider) => void): void {
  describe.each(["sqlite", "postgresql"] as const)(`${name} [%s]`, (provider) => {
    if (provider === "postgresql" && !postgresAvailable) {
      describe.skip(`PostgreSQL unreachable at ${ADMIN_URL}: skipped`, () => body(provider));
      return;
    }
    body(provider);
  });
}
