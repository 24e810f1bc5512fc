// npm run demo — the whole app on one machine: SQLite, the sandbox upstream and a seeded admin.
// Builds the app, applies migrations, seeds an admin (its password is printed once, on first start),
// starts the sandbox unless GSM_FUSION_BASE_URL points elsewhere, then runs `next start` on 127.0.0.1
// (HOST=0.0.0.0 opens it to the network).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { countUsers, createUser } from "@/lib/auth/users";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { serverNodeOptions } from "@/lib/http-limits";
import { startSandbox } from "@/lib/gsmfusion/sandbox/server";
import { runCli } from "./cli";

const DEMO_ADMIN_EMAIL = "admin@imei-desk.local";
const nextBin = path.resolve("node_modules/next/dist/bin/next");

/** The address to open: a wildcard listener is reached through any of the machine's names. */
function demoUrl(host: string, port: number): string {
  if (host === "0.0.0.0" || host === "::")
    return `http://<this machine's address>:${port} (listening on all interfaces)`;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

await runCli(async () => {
  const env = getEnv();
  const db = await getDb();
  if ((await countUsers(db)) === 0) {
    const password = randomBytes(9).toString("base64url");
    await createUser(db, { email: DEMO_ADMIN_EMAIL, password, role: "admin", name: "Demo admin" });
    console.log("\n  Seeded an admin account (shown this once):");
    console.log(`    email:    ${DEMO_ADMIN_EMAIL}`);
    console.log(`    password: ${password}\n`);
  }
  await db.close();

  let sandbox: Awaited<ReturnType<typeof startSandbox>> | null = null;
  if (env.upstream.isSandbox) {
    sandbox = await startSandbox({
      port: env.upstream.sandboxPort,
      username: env.upstream.username,
      apiKey: env.upstream.apiKey,
    });
    console.log(`Sandbox GSM Fusion upstream on ${sandbox.url}`);
  }

  if (!process.argv.includes("--no-build")) {
    console.log("Building the app (next build)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], {
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (build.status !== 0) throw new Error("next build failed");
  }

  const app = spawn(process.execPath, [nextBin, "start", "-p", String(env.port), "-H", env.host], {
    stdio: "inherit",
    env: {
      ...process.env,
      NODE_ENV: "production",
      NODE_OPTIONS: serverNodeOptions(process.env.NODE_OPTIONS),
      NEXT_MANUAL_SIG_HANDLE: "true",
      AUTH_SECRET: env.authSecret,
      // The demo is opened under whatever name reaches it (localhost, 127.0.0.1, a LAN address); a real
      // deployment sets NEXTAUTH_URL instead.
      ...(env.auth.publicOrigin ? {} : { AUTH_TRUST_HOST: "true" }),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  console.log(`IMEI Desk on ${demoUrl(env.host, env.port)} (Ctrl+C to stop)`);
  const stop = () => app.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await new Promise<void>((resolve) => app.on("exit", () => resolve()));
  await sandbox?.close();
});
