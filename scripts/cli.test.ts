import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateToken } from "@/lib/auth/tokens";
import { openDb, type Db } from "@/lib/db";
import { createSqliteUrl } from "@/lib/test/db";

const ROOT = path.resolve(import.meta.dirname, "..");
const target = createSqliteUrl();

type Outcome = { code: number; stdout: string; stderr: string };

/** Runs a CLI script the way `npm run` does, against the test database. Never rejects. */
function runScript(script: string, args: string[], extraEnv: Record<string, string> = {}): Promise<Outcome> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: target.url,
    AUTH_SECRET: "cli-test-secret-".padEnd(40, "z"),
    ...extraEnv,
  };
  for (const name of ["GSM_FUSION_BASE_URL", "GSM_FUSION_USERNAME", "GSM_FUSION_API_KEY", "NODE_OPTIONS"])
    delete env[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", `scripts/${script}`, ...args],
      { cwd: ROOT, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");

describe("user:create and token:create", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(target.url);
  });
  afterAll(async () => {
    await db.close();
    await target.drop();
  });

  it("user:create creates a user and says so", async () => {
    const run = await runScript("user-create.ts", [
      "--email",
      "Op@Shop.test",
      "--password",
      "long enough pw",
      "--role",
      "operator",
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { email: "op@shop.test" } });
    expect(lines(run.stdout)).toEqual([`Created operator op@shop.test (${row.id})`]);
    expect(row.role).toBe("operator");
    expect(row.passwordHash).toMatch(/^\$2[aby]\$/);
  });

  it("user:create refuses a duplicate with exit code 1 and one clear line", async () => {
    const run = await runScript("user-create.ts", [
      "--email",
      "op@shop.test",
      "--password",
      "another password",
      "--role",
      "admin",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toEqual(["Error: A user with email op@shop.test already exists"]);
    expect(await db.prisma.user.count()).toBe(1);
  });

  it("user:create names each bad flag", async () => {
    const run = await runScript("user-create.ts", [
      "--email",
      "not-an-email",
      "--password",
      "long enough pw",
      "--role",
      "root",
    ]);
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      "Error: --email must be an email address; --role must be admin or operator",
    ]);
    expect(await db.prisma.user.count()).toBe(1);
  });

  it("token:create refuses an unknown user without --role", async () => {
    const run = await runScript("token-create.ts", ["--email", "script@shop.test"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(lines(run.stderr)).toEqual([
      "Error: No user script@shop.test; pass --role admin|operator to create one",
    ]);
    expect(await db.prisma.user.count()).toBe(1);
    expect(await db.prisma.apiToken.count()).toBe(0);
  });

  it("token:create with --role creates the user and prints a working token as the last line", async () => {
    const run = await runScript("token-create.ts", [
      "--email",
      "script@shop.test",
      "--role",
      "admin",
      "--name",
      "nightly",
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const out = lines(run.stdout);
    expect(out[0]).toBe("Created admin script@shop.test");
    const token = out.at(-1)!;
    expect(token).toMatch(/^imd_[A-Za-z0-9_-]{43}$/);
    expect(out.slice(0, -1).join("\n")).not.toContain(token);
    const user = await authenticateToken(db, token);
    expect(user).toMatchObject({ email: "script@shop.test", role: "admin" });
    expect(await db.prisma.apiToken.findFirstOrThrow({ where: { userId: user!.id } })).toMatchObject({
      name: "nightly",
    });
  });

  it("token:create for an existing user adds a token without creating anyone", async () => {
    const run = await runScript("token-create.ts", ["--email", "op@shop.test"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const out = lines(run.stdout);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^Token imd_.{6}… for op@shop\.test \(operator\)/);
    expect(await authenticateToken(db, out[1]!)).toMatchObject({ email: "op@shop.test", role: "operator" });
    expect(await db.prisma.user.count()).toBe(2);
  });

  it("token:create --expires-in-days makes a token that stops working then", async () => {
    const run = await runScript("token-create.ts", ["--email", "op@shop.test", "--expires-in-days", "7"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    const out = lines(run.stdout);
    expect(out[0]).toMatch(/^Token imd_.{6}… for op@shop\.test \(operator\), expires \d{4}-\d\d-\d\dT/);
    const row = await db.prisma.apiToken.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(Math.abs(row.expiresAt!.getTime() - (Date.now() + 7 * 24 * 60 * 60_000))).toBeLessThan(60_000);
    expect(await authenticateToken(db, out[1]!)).not.toBeNull();
    await db.prisma.apiToken.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await authenticateToken(db, out[1]!)).toBeNull();

    const bad = await runScript("token-create.ts", ["--email", "op@shop.test", "--expires-in-days", "soon"]);
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual([
      "Error: --expires-in-days must be a whole number of days, such as 90",
    ]);
  });

  it("a malformed setting stops a command with one line naming it, before touching anything", async () => {
    const run = await runScript("db-migrate.ts", [], { DATABASE_URL: "mysql://localhost/shop" });
    expect(run.code).toBe(1);
    expect(lines(run.stderr)).toEqual([
      "Invalid configuration: DATABASE_URL must start with file: or postgres://",
    ]);
    const port = await runScript("db-migrate.ts", [], { SUBMIT_CONCURRENCY: "lots" });
    expect(port.code).toBe(1);
    expect(lines(port.stderr)).toEqual([
      expect.stringMatching(/^Invalid configuration: SUBMIT_CONCURRENCY /),
    ]);
  });

  it("user:create sets an operator's daily spend limit exactly, and names a bad one", async () => {
    const ok = await runScript("user-create.ts", [
      "--email",
      "capped@shop.test",
      "--password",
      "long enough pw",
      "--role",
      "operator",
      "--daily-limit",
      "12.50",
    ]);
    expect(ok.code).toBe(0);
    expect(lines(ok.stdout)[0]).toMatch(/, daily limit \$12\.50$/);
    const row = await db.prisma.user.findUniqueOrThrow({ where: { email: "capped@shop.test" } });
    expect(row.dailySpendLimitMicros).toBe(12_500_000n);
    const bad = await runScript("user-create.ts", [
      "--email",
      "x@shop.test",
      "--password",
      "long enough pw",
      "--role",
      "operator",
      "--daily-limit",
      "1e3",
    ]);
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual(["Error: --daily-limit must be an amount such as 250 or 99.50"]);
  });
});
