import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiToken, authenticateToken } from "@/lib/auth/tokens";
import { hashPassword } from "@/lib/auth/password";
import { createUser, LOGIN_LIMITS, verifyCredentials, type Role } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";

const PASSWORD = "correct horse battery";
let seq = 0;
const uniqueEmail = (tag: string) => `${tag}-${++seq}-${randomBytes(3).toString("hex")}@shop.test`;
const uniqueIp = () => `198.51.100.${++seq}`;

// One bcrypt hash (cost 12, ~0.4 s) shared by the users these tests insert directly.
const sharedHash = hashPassword(PASSWORD);

describeEachDb("auth", (provider) => {
  let db: TestDb;
  let passwordHash: string;

  beforeAll(async () => {
    db = await createTestDb(provider);
    passwordHash = await sharedHash;
  });
  afterAll(async () => {
    await db.drop();
  });

  async function insertUser(options: { email?: string; role?: Role; disabled?: boolean } = {}) {
    return db.prisma.user.create({
      data: {
        email: options.email ?? uniqueEmail("user"),
        name: "Test",
        passwordHash,
        role: options.role ?? "operator",
        disabled: options.disabled ?? false,
      },
    });
  }

  const auditFor = (action: string, email: string) =>
    db.prisma.auditEvent.findMany({
      where: { action, details: { contains: email } },
      orderBy: { createdAt: "asc" },
    });

  describe("createUser", () => {
    it("normalises the email, stores a bcrypt hash and never the password", async () => {
      const email = uniqueEmail("Mixed.Case");
      const user = await createUser(db, {
        email: `  ${email.toUpperCase()} `,
        password: PASSWORD,
        role: "admin",
      });
      expect(user).toEqual({
        id: expect.any(String),
        email: email.toLowerCase(),
        name: email.split("@")[0]!.toLowerCase(),
        role: "admin",
      });
      const row = await db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
      expect(row.passwordHash).toMatch(/^\$2[aby]\$12\$.{53}$/);
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
    });

    it("refuses a second user with the same email in any case, as a conflict", async () => {
      const email = uniqueEmail("dup");
      await insertUser({ email });
      const error = await createUser(db, {
        email: email.toUpperCase(),
        password: PASSWORD,
        role: "operator",
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: "conflict", status: 409 });
      expect((error as Error).message).toContain(email);
      expect(await db.prisma.user.count({ where: { email } })).toBe(1);
    });

    it.each([
      ["email", { email: "not-an-email", password: PASSWORD, role: "operator" }],
      ["password", { email: "short@shop.test", password: "1234567", role: "operator" }],
      ["role", { email: "role@shop.test", password: PASSWORD, role: "superuser" }],
    ])("rejects a bad %s before writing anything", async (field, input) => {
      const before = await db.prisma.user.count();
      const error = await createUser(db, input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(z.ZodError);
      expect((error as z.ZodError).issues.map((i) => i.path.join("."))).toEqual([field]);
      expect(await db.prisma.user.count()).toBe(before);
    });
  });

  describe("verifyCredentials", () => {
    it("accepts the right password for any case of the email and audits the sign-in", async () => {
      const row = await insertUser({ role: "admin" });
      const result = await verifyCredentials(db, ` ${row.email.toUpperCase()}`, PASSWORD, "203.0.113.1");
      expect(result).toEqual({
        ok: true,
        user: { id: row.id, email: row.email, name: "Test", role: "admin" },
      });
      const events = await db.prisma.auditEvent.findMany({
        where: { action: "login.succeeded", actorId: row.id },
      });
      expect(events).toHaveLength(1);
      expect(events[0]!.ip).toBe("203.0.113.1");
      expect(await db.prisma.loginAttempt.count({ where: { key: `email:${row.email}` } })).toBe(0);
    });

    it("refuses a wrong password, counts it per account and per IP, and audits it without the password", async () => {
      const row = await insertUser();
      const ip = uniqueIp();
      const result = await verifyCredentials(db, row.email, "wrong password!", ip);
      expect(result).toEqual({ ok: false, reason: "invalid", message: "Wrong email or password." });
      expect(await db.prisma.loginAttempt.count({ where: { key: `email:${row.email}` } })).toBe(1);
      expect(await db.prisma.loginAttempt.count({ where: { key: `ip:${ip}` } })).toBe(1);
      const events = await auditFor("login.failed", row.email);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: row.id, ip });
      expect(JSON.parse(events[0]!.details!)).toEqual({ email: row.email });
      expect(JSON.stringify(events)).not.toContain("wrong password!");
    });

    it("answers an unknown email exactly as a wrong password", async () => {
      const email = uniqueEmail("nobody");
      const result = await verifyCredentials(db, email, PASSWORD, null);
      expect(result).toEqual({ ok: false, reason: "invalid", message: "Wrong email or password." });
      expect(await db.prisma.loginAttempt.count({ where: { key: `email:${email}` } })).toBe(1);
      expect(await auditFor("login.failed", email)).toMatchObject([{ actorId: null, ip: null }]);
    });

    it("refuses a disabled user even with the right password", async () => {
      const row = await insertUser({ disabled: true });
      expect(await verifyCredentials(db, row.email, PASSWORD, null)).toMatchObject({
        ok: false,
        reason: "invalid",
      });
      expect(await auditFor("login.failed", row.email)).toHaveLength(1);
    });

    it("does not let parallel guesses slip past the limit together", async () => {
      const row = await insertUser();
      const results = await Promise.all(
        Array.from({ length: 12 }, () => verifyCredentials(db, row.email, "wrong-guess", uniqueIp())),
      );
      // Each attempt is recorded before its password is checked, so at most the limit are ever checked.
      expect(results.filter((r) => !r.ok && r.reason === "invalid").length).toBeLessThanOrEqual(
        LOGIN_LIMITS.perAccount,
      );
      expect(results.every((r) => !r.ok)).toBe(true);
    });

    it(`locks an account at ${LOGIN_LIMITS.perAccount} failures, even for the right password from a new address`, async () => {
      const row = await insertUser();
      const other = await insertUser();
      const key = `email:${row.email}`;
      // All but the last failure inserted directly (each real one costs a bcrypt compare): one short of
      // the limit the right password still works.
      await db.prisma.loginAttempt.createMany({
        data: Array.from({ length: LOGIN_LIMITS.perAccount - 1 }, () => ({ key })),
      });
      expect(await verifyCredentials(db, row.email, PASSWORD, uniqueIp())).toMatchObject({ ok: true });
      expect(await verifyCredentials(db, row.email, "wrong", uniqueIp())).toMatchObject({
        reason: "invalid",
      });
      const result = await verifyCredentials(db, row.email, PASSWORD, uniqueIp());
      expect(result).toEqual({
        ok: false,
        reason: "rate_limited",
        message: `Too many failed sign-ins. Try again in ${LOGIN_LIMITS.windowMs / 60_000} minutes.`,
      });
      // A refused attempt is not checked, so it adds no failure of its own.
      expect(await db.prisma.loginAttempt.count({ where: { key } })).toBe(LOGIN_LIMITS.perAccount);
      expect(await auditFor("login.rate_limited", row.email)).toHaveLength(1);
      expect(await auditFor("login.failed", row.email)).toHaveLength(1);
      // Other accounts are not locked.
      expect(await verifyCredentials(db, other.email, PASSWORD, uniqueIp())).toMatchObject({ ok: true });
    });

    it(`locks an address after ${LOGIN_LIMITS.perIp} failures across different accounts`, async () => {
      const ip = uniqueIp();
      // All but the last two failures inserted directly (each real one costs a bcrypt compare).
      await db.prisma.loginAttempt.createMany({
        data: Array.from({ length: LOGIN_LIMITS.perIp - 2 }, () => ({ key: `ip:${ip}` })),
      });
      const [a, b, c] = [await insertUser(), await insertUser(), await insertUser()];
      expect(await verifyCredentials(db, a.email, "wrong", ip)).toMatchObject({ reason: "invalid" });
      expect(await verifyCredentials(db, b.email, "wrong", ip)).toMatchObject({ reason: "invalid" });
      expect(await verifyCredentials(db, c.email, PASSWORD, ip)).toMatchObject({
        ok: false,
        reason: "rate_limited",
      });
      expect(await auditFor("login.rate_limited", c.email)).toMatchObject([{ ip }]);
      // The same account from another address is fine: it has no failures of its own.
      expect(await verifyCredentials(db, c.email, PASSWORD, uniqueIp())).toMatchObject({ ok: true });
    });

    it("forgets failures older than the window", async () => {
      const row = await insertUser();
      const key = `email:${row.email}`;
      const old = new Date(Date.now() - LOGIN_LIMITS.windowMs - 60_000);
      await db.prisma.loginAttempt.createMany({
        data: [
          ...Array.from({ length: LOGIN_LIMITS.perAccount }, () => ({ key, createdAt: old })),
          ...Array.from({ length: LOGIN_LIMITS.perAccount - 1 }, () => ({ key })),
        ],
      });
      expect(await verifyCredentials(db, row.email, PASSWORD, null)).toMatchObject({
        ok: true,
        user: { id: row.id },
      });
      // A failure prunes what no longer counts, so the table stays the size of one window.
      await verifyCredentials(db, row.email, "wrong", null);
      expect(
        await db.prisma.loginAttempt.count({
          where: { key, createdAt: { lt: new Date(Date.now() - LOGIN_LIMITS.windowMs) } },
        }),
      ).toBe(0);
      expect(await db.prisma.loginAttempt.count({ where: { key } })).toBe(LOGIN_LIMITS.perAccount);
    });
  });

  describe("API tokens", () => {
    it("are shown once as imd_… and stored only as a SHA-256 hash", async () => {
      const row = await insertUser();
      const { token, prefix } = await createApiToken(db, row.id, "scripts");
      expect(token).toMatch(/^imd_[A-Za-z0-9_-]{43}$/);
      expect(prefix).toBe(token.slice(0, 10));
      const tokens = await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
        `SELECT * FROM "ApiToken" WHERE "userId" = '${row.id}'`,
      );
      expect(tokens).toHaveLength(1);
      expect(tokens[0]).toMatchObject({
        name: "scripts",
        prefix,
        tokenHash: createHash("sha256").update(token).digest("hex"),
      });
      const secretPart = token.slice(prefix.length);
      for (const [column, value] of Object.entries(tokens[0]!)) {
        expect(String(value), column).not.toContain(secretPart);
      }
      expect(await db.prisma.auditEvent.count({ where: { action: "token.create", actorId: row.id } })).toBe(
        1,
      );
    });

    it("authenticate their user; unknown, revoked and disabled-user tokens are refused", async () => {
      const row = await insertUser({ role: "admin" });
      const { token } = await createApiToken(db, row.id);
      expect(await authenticateToken(db, token)).toEqual({
        id: row.id,
        email: row.email,
        name: "Test",
        role: "admin",
      });

      expect(await authenticateToken(db, token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
      expect(await authenticateToken(db, "imd_unknown")).toBeNull();
      expect(await authenticateToken(db, token.slice(4))).toBeNull();

      await db.prisma.user.update({ where: { id: row.id }, data: { disabled: true } });
      expect(await authenticateToken(db, token)).toBeNull();
      await db.prisma.user.update({ where: { id: row.id }, data: { disabled: false } });
      expect(await authenticateToken(db, token)).not.toBeNull();

      await db.prisma.apiToken.updateMany({ where: { userId: row.id }, data: { revokedAt: new Date() } });
      expect(await authenticateToken(db, token)).toBeNull();
    });

    it("record lastUsedAt, rewritten at most once a minute", async () => {
      const row = await insertUser();
      const { token } = await createApiToken(db, row.id);
      const lastUsed = async () =>
        (await db.prisma.apiToken.findFirstOrThrow({ where: { userId: row.id } })).lastUsedAt;
      expect(await lastUsed()).toBeNull();

      const before = Date.now();
      await authenticateToken(db, token);
      const first = await lastUsed();
      expect(first!.getTime()).toBeGreaterThanOrEqual(before - 1000);

      // Within the minute: left alone.
      const recent = new Date(Date.now() - 30_000);
      await db.prisma.apiToken.updateMany({ where: { userId: row.id }, data: { lastUsedAt: recent } });
      await authenticateToken(db, token);
      expect((await lastUsed())!.getTime()).toBe(recent.getTime());

      // Older than a minute: rewritten.
      const stale = new Date(Date.now() - 61_000);
      await db.prisma.apiToken.updateMany({ where: { userId: row.id }, data: { lastUsedAt: stale } });
      const beforeSecond = Date.now();
      await authenticateToken(db, token);
      expect((await lastUsed())!.getTime()).toBeGreaterThanOrEqual(beforeSecond - 1000);
    });
  });
});
