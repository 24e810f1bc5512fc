// The server the browser tests run against: a fresh SQLite database, a seeded admin and two operators with
// known credentials, the sandbox upstream, and the built app (`next build` runs first in `npm run test:e2e`).
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { E2E_ADMIN, E2E_OPERATOR, E2E_OTHER_OPERATOR } from "../e2e/credentials";

const port = Number(process.env.E2E_PORT ?? 3100);
const sandboxPort = port + 10;
const dbFile = path.resolve(`test-results/e2e-${port}.db`);
mkdirSync(path.dirname(dbFile), { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });

Object.assign(process.env, {
  DATABASE_URL: `file:${dbFile}`,
  AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret",
  SANDBOX_PORT: String(sandboxPort),
  PORT: String(port),
  NEXTAUTH_URL: `http://127.0.0.1:${port}`,
  NEXT_TELEMETRY_DISABLED: "1",
});
delete process.env.TRUSTED_PROXIES;

const { getDb } = await import("@/lib/db");
const { createUser } = await import("@/lib/auth/users");
const { startSandbox } = await import("@/lib/gsmfusion/sandbox/server");
const { SANDBOX_DEFAULTS } = await import("@/lib/gsmfusion/sandbox/defaults");
const { serverNodeOptions } = await import("@/lib/http-limits");

const db = await getDb();
await createUser(db, { ...E2E_ADMIN, role: "admin" });
await createUser(db, { ...E2E_OPERATOR, role: "operator" });
await createUser(db, { ...E2E_OTHER_OPERATOR, role: "operator" });
await db.close();
const sandbox = await startSandbox({
  port: sandboxPort,
  username: SANDBOX_DEFAULTS.username,
  apiKey: SANDBOX_DEFAULTS.apiKey,
});

const app = spawn(
  process.execPath,
  [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: "production",
      NODE_OPTIONS: serverNodeOptions(process.env.NODE_OPTIONS),
      NEXT_MANUAL_SIG_HANDLE: "true",
      // The browser tests decide uncertain orders as a person would: the automatic settlement (tested on
      // both databases in lib/orders/settle.test.ts) must not link them first, mid-test.
      SETTLE_MARGIN_MS: "600000",
    },
  },
);
const stop = async () => {
  app.kill("SIGTERM");
  await sandbox.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
app.on("exit", (code) => process.exit(code ?? 0));
