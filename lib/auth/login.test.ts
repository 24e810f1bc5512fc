import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_LIMITS, verifyCredentials, type LoginInput } from "@/lib/auth/login";
import { getSignInNotice } from "@/lib/auth/login-activity";
import { LOGIN_INPUT_LIMITS } from "@/lib/auth/schemas";
import { createTestDb, describeEachDb, type TestDb } from "@/lib/test/db";
import { insertTestUser, TEST_PASSWORD as PASSWORD, uniqueEmail } from "@/lib/test/users";

let seq = 0;
const uniqueIp = () => `198.51.${Math.floor(++seq / 250)}.${seq % 250}`;

describeEachDb("sign-in", (provider) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await createTestDb(provider);
  });
  afterAll(async () => {
    await db.drop();
  });

  const insertUser = (options: Parameters<typeof insertTestUser>[1] = {}) => insertTestUser(db, options);

  const signIn = (input: Partial<LoginInput> & { email: string }) =>
    verifyCredentials(db, { password: PASSWORD, ip: null, ...input });

  const auditFor = (action: string, email: string) =>
    db.prisma.auditEvent.findMany({
      where: { action, details: { contains: email } },
      orderBy: { createdAt: "asc" },
    });

  /** Failures inserted directly (each real one costs a bcrypt compare), `agoMs` in the past. */
  const addFailures = (key: string, count: number, agoMs = 0) =>
    db.prisma.loginAttempt.createMany({
      data: Array.from({ length: count }, () => ({ key, createdAt: new Date(Date.now() - agoMs) })),
    });

  const attempts = (key: string) => db.prisma.loginAttempt.count({ where: { key } });

  describe("the password check", () => {
    it("accepts the right password for any case of the email and audits the sign-in", async () => {
      const row = await insertUser({ role: "admin" });
      const result = await signIn({ email: ` ${row.email.toUpperCase()}`, ip: "203.0.113.1" });
      expect(result).toEqual({
        ok: true,
        user: { id: row.id, email: row.email, name: "Test", role: "admin" },
        knownDevice: false,
      });
      const events = await db.prisma.auditEvent.findMany({
        where: { action: "login.succeeded", actorId: row.id },
      });
      expect(events).toHaveLength(1);
      expect(events[0]!.ip).toBe("203.0.113.1");
      expect(await db.prisma.loginAttempt.count({ where: { key: { contains: row.email } } })).toBe(0);
    });

    it("refuses a wrong password, counts it per account, per (account, address) and per address, and audits it without the password", async () => {
      const row = await insertUser();
      const ip = uniqueIp();
      const result = await signIn({ email: row.email, password: "wrong password!", ip });
      expect(result).toEqual({ ok: false, reason: "invalid", message: "Wrong email or password." });
      expect(await attempts(`email:${row.email}`)).toBe(1);
      expect(await attempts(`pair:${row.email}|${ip}`)).toBe(1);
      expect(await attempts(`ip:${ip}`)).toBe(1);
      const events = await auditFor("login.failed", row.email);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actorId: row.id, ip });
      expect(JSON.parse(events[0]!.details!)).toEqual({ email: row.email });
      expect(JSON.stringify(events)).not.toContain("wrong password!");
    });

    it("answers an unknown email exactly as a wrong password", async () => {
      const email = uniqueEmail("nobody");
      const result = await signIn({ email });
      expect(result).toEqual({ ok: false, reason: "invalid", message: "Wrong email or password." });
      expect(await attempts(`email:${email}`)).toBe(1);
      expect(await attempts(`pair:${email}|unknown`)).toBe(1);
      expect(await auditFor("login.failed", email)).toMatchObject([{ actorId: null, ip: null }]);
    });

    it("refuses a disabled user even with the right password", async () => {
      const row = await insertUser({ disabled: true });
      expect(await signIn({ email: row.email })).toMatchObject({ ok: false, reason: "invalid" });
      expect(await auditFor("login.failed", row.email)).toHaveLength(1);
    });
  });

  describe("limits that slow guessing but cannot lock an owner out", () => {
    it("does not let parallel guesses slip past the account's limit together", async () => {
      const row = await insertUser();
      const results = await Promise.all(
        Array.from({ length: LOGIN_LIMITS.perAccount + 4 }, () =>
          signIn({ email: row.email, password: "wrong-guess", ip: uniqueIp() }),
        ),
      );
      // Each attempt is recorded before its password is checked, so at most the limit are ever checked.
      expect(results.filter((r) => !r.ok && r.reason === "invalid").length).toBeLessThanOrEqual(
        LOGIN_LIMITS.perAccount,
      );
      expect(results.every((r) => !r.ok)).toBe(true);
    });

    it("slows an unknown client per (account, address) with a growing back-off, and no other client", async () => {
      const row = await insertUser();
      const ip = uniqueIp();
      const pair = `pair:${row.email}|${ip}`;
      // The free failures, long enough ago that no back-off is running: the right password works.
      await addFailures(pair, LOGIN_LIMITS.backoffAfter, 60_000);
      expect(await signIn({ email: row.email, ip })).toMatchObject({ ok: true });
      expect(await attempts(pair)).toBe(0); // the client proved the password: its typos are forgiven

      // Two more failures than free, the last a second ago: this client waits 5 s × 2² = 20 s from it.
      await addFailures(pair, LOGIN_LIMITS.backoffAfter + 2, 1_000);
      const slowed = await signIn({ email: row.email, ip });
      expect(slowed).toEqual({
        ok: false,
        reason: "rate_limited",
        message: "Too many failed sign-ins. Try again in 19 seconds.",
      });
      // A refused attempt is not checked, adds no failure and so does not extend the wait.
      expect(await attempts(pair)).toBe(LOGIN_LIMITS.backoffAfter + 2);
      expect(await auditFor("login.rate_limited", row.email)).toMatchObject([
        { actorId: row.id, ip, details: JSON.stringify({ email: row.email, limit: "backoff" }) },
      ]);
      // The same account from another address is not slowed.
      expect(await signIn({ email: row.email, ip: uniqueIp() })).toMatchObject({ ok: true });
    });

    it(`refuses clients that are not known devices after ${LOGIN_LIMITS.perAccount} failures on the account; its known devices still get in`, async () => {
      const row = await insertUser();
      const other = await insertUser();
      const device = { userId: row.id, deviceId: "owner-laptop" };
      await addFailures(`email:${row.email}`, LOGIN_LIMITS.perAccount);

      const stranger = await signIn({ email: row.email, ip: uniqueIp() });
      expect(stranger).toEqual({
        ok: false,
        reason: "rate_limited",
        message: `Too many failed sign-ins. Try again in ${LOGIN_LIMITS.windowMs / 60_000} minutes, or from a browser you have signed in with before.`,
      });
      expect(await attempts(`email:${row.email}`)).toBe(LOGIN_LIMITS.perAccount);

      // The owner's browser with its known-device cookie: the same right password, from any address.
      expect(await signIn({ email: row.email, ip: uniqueIp(), knownDevices: [device] })).toEqual({
        ok: true,
        user: expect.objectContaining({ id: row.id }),
        knownDevice: true,
      });
      // Another account's cookie in the same browser does not count for this account.
      const foreign = [{ userId: other.id, deviceId: "owner-laptop" }];
      expect(await signIn({ email: row.email, knownDevices: foreign })).toMatchObject({
        reason: "rate_limited",
      });
      // Other accounts are not affected.
      expect(await signIn({ email: other.email, ip: uniqueIp() })).toMatchObject({ ok: true });
    });

    it("judges a known device only by its own failures", async () => {
      const row = await insertUser();
      const laptop = { userId: row.id, deviceId: `laptop-${seq}` };
      const phone = { userId: row.id, deviceId: `phone-${seq}` };
      // A wrong password from a known device counts for that device only.
      expect(await signIn({ email: row.email, password: "typo", knownDevices: [laptop] })).toMatchObject({
        reason: "invalid",
      });
      expect(await attempts(`device:${laptop.deviceId}`)).toBe(1);
      expect(await attempts(`email:${row.email}`)).toBe(0);

      await addFailures(`device:${laptop.deviceId}`, LOGIN_LIMITS.perDevice - 1);
      expect(await signIn({ email: row.email, knownDevices: [laptop] })).toMatchObject({
        reason: "rate_limited",
        message: `Too many failed sign-ins. Try again in ${LOGIN_LIMITS.windowMs / 60_000} minutes.`,
      });
      expect(await signIn({ email: row.email, knownDevices: [phone] })).toMatchObject({ ok: true });
    });

    it(`refuses an address after ${LOGIN_LIMITS.perIp} failures across accounts, except for known devices`, async () => {
      const ip = uniqueIp();
      await addFailures(`ip:${ip}`, LOGIN_LIMITS.perIp - 1);
      const [a, b] = [await insertUser(), await insertUser()];
      expect(await signIn({ email: a.email, password: "wrong", ip })).toMatchObject({ reason: "invalid" });
      expect(await signIn({ email: b.email, ip })).toMatchObject({ ok: false, reason: "rate_limited" });
      expect(await auditFor("login.rate_limited", b.email)).toMatchObject([{ ip }]);
      expect(await signIn({ email: b.email, ip: uniqueIp() })).toMatchObject({ ok: true });
      const device = { userId: b.id, deviceId: "b-desktop" };
      expect(await signIn({ email: b.email, ip, knownDevices: [device] })).toMatchObject({ ok: true });
    });

    it("without a known address, slows unknown clients per account and 'unknown', and has no global limit", async () => {
      const row = await insertUser();
      const other = await insertUser();
      await addFailures(`pair:${row.email}|unknown`, LOGIN_LIMITS.backoffAfter + 1, 500);
      expect(await signIn({ email: row.email })).toMatchObject({ reason: "rate_limited" });
      expect(await signIn({ email: other.email, password: "wrong" })).toMatchObject({ reason: "invalid" });
      // Clients without an address share no bucket across accounts: "unknown" is no address.
      expect(await attempts("ip:unknown")).toBe(0);
      expect(await signIn({ email: other.email })).toMatchObject({ ok: true });
    });

    it("forgets failures older than the window, and prunes them", async () => {
      const row = await insertUser();
      const key = `email:${row.email}`;
      await addFailures(key, LOGIN_LIMITS.perAccount, LOGIN_LIMITS.windowMs + 60_000);
      await addFailures(key, LOGIN_LIMITS.perAccount - 1);
      expect(await signIn({ email: row.email, ip: uniqueIp() })).toMatchObject({ ok: true });
      await signIn({ email: row.email, password: "wrong", ip: uniqueIp() });
      expect(
        await db.prisma.loginAttempt.count({
          where: { key, createdAt: { lt: new Date(Date.now() - LOGIN_LIMITS.windowMs) } },
        }),
      ).toBe(0);
      expect(await attempts(key)).toBe(LOGIN_LIMITS.perAccount);
    });
  });

  describe("input caps", () => {
    async function databaseBytes(): Promise<number> {
      if (provider === "postgresql") {
        const [row] = await db.prisma.$queryRawUnsafe<{ size: bigint }[]>(
          "SELECT pg_database_size(current_database()) AS size",
        );
        return Number(row!.size);
      }
      const file = db.url.replace(/^file:/, "");
      return ["", "-wal"].reduce((sum, suffix) => {
        try {
          return sum + statSync(file + suffix).size;
        } catch {
          return sum;
        }
      }, 0);
    }

    const rowCounts = async () => ({
      attempts: await db.prisma.loginAttempt.count(),
      audit: await db.prisma.auditEvent.count(),
    });

    it("refuses 1 MB emails and over-long passwords before writing anything", async () => {
      const row = await insertUser();
      const before = { rows: await rowCounts(), bytes: await databaseBytes() };
      const huge = `${"a".repeat(1024 * 1024)}@shop.test`;
      for (let i = 0; i < 8; i += 1) {
        expect(await signIn({ email: huge, ip: uniqueIp() })).toEqual({
          ok: false,
          reason: "invalid",
          message: "Wrong email or password.",
        });
      }
      const longPassword = "p".repeat(LOGIN_INPUT_LIMITS.password + 1);
      expect(await signIn({ email: row.email, password: longPassword })).toMatchObject({ reason: "invalid" });
      expect(await rowCounts()).toEqual(before.rows);
      // Nothing written: the database has not grown by anything like the 8 MB sent.
      expect((await databaseBytes()) - before.bytes).toBeLessThan(256 * 1024);
    });

    it("still checks input at the caps", async () => {
      const email = `${"a".repeat(LOGIN_INPUT_LIMITS.email - "@shop.test".length)}@shop.test`;
      expect(email).toHaveLength(LOGIN_INPUT_LIMITS.email);
      expect(await signIn({ email, password: "p".repeat(LOGIN_INPUT_LIMITS.password) })).toMatchObject({
        reason: "invalid",
      });
      expect(await attempts(`email:${email}`)).toBe(1);
    });
  });

  describe("telling the owner", () => {
    it("reports failed and refused attempts since the previous sign-in, by address", async () => {
      const row = await insertUser();
      expect(await getSignInNotice(db, row.id)).toBeNull();
      await signIn({ email: row.email, ip: "203.0.113.50" });
      expect(await getSignInNotice(db, row.id)).toBeNull();

      // While the owner is away: failures from three addresses, one unknown, and a refused attempt.
      for (const ip of ["192.0.2.7", "192.0.2.7", "192.0.2.8", null]) {
        await signIn({ email: row.email, password: "guess", ip });
      }
      await addFailures(`email:${row.email}`, LOGIN_LIMITS.perAccount);
      await signIn({ email: row.email, ip: "192.0.2.7" });
      await db.prisma.loginAttempt.deleteMany({ where: { key: `email:${row.email}` } });

      // The owner signs in again: the notice covers what happened since the sign-in before.
      const previous = await db.prisma.auditEvent.findFirstOrThrow({
        where: { actorId: row.id, action: "login.succeeded" },
      });
      await signIn({ email: row.email, ip: "203.0.113.50" });
      expect(await getSignInNotice(db, row.id)).toEqual({
        failures: 5,
        since: previous.createdAt,
        addresses: ["192.0.2.7", "192.0.2.8", null],
        otherAddresses: 0,
      });

      // At the next sign-in the window moves on.
      await signIn({ email: row.email, ip: "203.0.113.50" });
      expect(await getSignInNotice(db, row.id)).toBeNull();
    });
  });
});
