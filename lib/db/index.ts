/**
 * The database: one Prisma client, on SQLite (embedded default) or PostgreSQL, and the rules for writing
 * to it safely. Nothing outside lib/db and the lib/<domain>/ stores knows which database it is on.
 *
 * The SQLite hazard (lib/db/README.md): Prisma's better-sqlite3 adapter shares ONE connection per process, so
 * while an interactive transaction is open any other write lands inside it, and is lost if it rolls
 * back. So on SQLite every write goes through `db.write()` or `db.transaction()`, which share one
 * process-wide mutex; single statements are atomic by themselves. On PostgreSQL both pass through.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgresql/client";
import { getEnv } from "@/lib/env";
import { migrateDatabase, providerOf, sqlitePathOf, type Provider } from "./migrate";
import { Mutex } from "./mutex";

export type { Provider };
/**
 * The app's client type. Both generated clients have the same model API (one source schema); the
 * PostgreSQL one is typed as this so that stores are written once.
 */
export type PrismaClient = SqliteClient;
export type TxClient = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export type Db = {
  provider: Provider;
  url: string;
  prisma: PrismaClient;
  /** Runs one write (or a few independent ones) so that it can never land inside another's transaction. */
  write<T>(fn: (prisma: PrismaClient) => Promise<T>): Promise<T>;
  /** Runs `fn` atomically. On SQLite, make the first statement a write so the lock is taken at once. */
  transaction<T>(fn: (tx: TxClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Calls of write() and transaction(), for the benchmark's writes-per-order figure. */
  stats: { writes: number; transactions: number };
};

const SQLITE_BUSY_TIMEOUT_MS = 10_000;

const TX_TIMEOUT_MS = 60_000;

/**
 * The write discipline around one client. `serialise` is SQLite's process-wide lock (see the top of this
 * file) or nothing on PostgreSQL, where the pool gives each transaction its own connection.
 */
function withWriteRules(
  provider: Provider,
  url: string,
  prisma: PrismaClient,
  serialise: <T>(fn: () => Promise<T>) => Promise<T>,
): Db {
  const stats = { writes: 0, transactions: 0 };
  return {
    provider,
    url,
    prisma,
    stats,
    write: (fn) => {
      stats.writes += 1;
      return serialise(() => fn(prisma));
    },
    transaction: (fn) => {
      stats.transactions += 1;
      return serialise(() => prisma.$transaction(fn, { timeout: TX_TIMEOUT_MS, maxWait: TX_TIMEOUT_MS }));
    },
    close: () => prisma.$disconnect(),
  };
}

/** Opens a database and, unless told otherwise, applies pending migrations first. */
export async function openDb(url: string, options: { migrate?: boolean } = {}): Promise<Db> {
  if (options.migrate !== false) await migrateDatabase(url);
  const provider = providerOf(url);
  if (provider === "sqlite") {
    const adapter = new PrismaBetterSqlite3({ url: sqlitePathOf(url), timeout: SQLITE_BUSY_TIMEOUT_MS });
    const prisma = new SqliteClient({ adapter });
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    const mutex = new Mutex();
    return withWriteRules(provider, url, prisma, (fn) => mutex.run(fn));
  }
  const adapter = new PrismaPg({ connectionString: url, max: 20 });
  const prisma = new PostgresClient({ adapter }) as unknown as PrismaClient;
  return withWriteRules(provider, url, prisma, (fn) => fn());
}

const globalForDb = globalThis as unknown as { imeiDeskDb?: Promise<Db> };

/** The process's database (DATABASE_URL), opened and migrated once. */
export function getDb(): Promise<Db> {
  globalForDb.imeiDeskDb ??= openDb(getEnv().databaseUrl).catch((error) => {
    globalForDb.imeiDeskDb = undefined;
    throw error;
  });
  return globalForDb.imeiDeskDb;
}
