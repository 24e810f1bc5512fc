// The database a benchmark fills: a fresh SQLite file under bench-results/, or a fresh PostgreSQL database
// on 127.0.0.1:5432 that `drop()` removes afterwards.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export async function benchDatabase(
  kind: string,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === "postgres") {
    const database = `imei_desk_${name}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    return {
      url: `postgres://postgres@127.0.0.1:5432/${database}`,
      drop: async () => {
        const c = new pg.Client({ connectionString: ADMIN_URL });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const file = path.resolve(`bench-results/${name}.db`);
  mkdirSync(path.dirname(file), { recursive: true });
  for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true });
  return { url: `file:${file}`, drop: async () => undefined };
}
