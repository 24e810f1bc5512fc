import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiToken, authenticateToken } from "@/lib/auth/tokens";
import { createUser } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { insertTestUser, TEST_PASSWORD as PASSWORD, uniqueEmail } from "@/lib/test/users";

describeEachDb("auth", (provider) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await createTestDb(provider);
  });
  afterAll(async () => {
    await db.drop();
  });

  const insertUser = (options: Parameters<typeof insertTestUser>[1] = {}) => insertTestUser(db, options);

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

  describe("API tokens", () => {
    it("are shown once as imd_… and stored only as a SHA-256 hash", async () => {
      const row = await insertUser();
      const { token, prefix } = await createApiToken(db, row.id, { name: "scripts" });
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

    it("authenticate their user; unknown, expired, revoked and disabled-user tokens are refused", async () => {
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

      await db.prisma.apiToken.updateMany({
        where: { userId: row.id },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      expect(await authenticateToken(db, token)).toBeNull();
      await db.prisma.apiToken.updateMany({
        where: { userId: row.id },
        data: { expiresAt: new Date(Date.now() + 60_000) },
      });
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
