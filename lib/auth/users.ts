/** Users: creation, lookup and the credential check behind the login page (rate-limited and audited). */
import { z } from "zod";
import { parseMoney } from "@/lib/money";
import { recordAudit } from "@/lib/admin/audit";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password";
import { ROLES, type Role } from "./schemas";

export { ROLES, type Role };

export type AppUser = { id: string; email: string; name: string; role: Role };

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("must be an email address"));
export const passwordSchema = z.string().min(8, "must be at least 8 characters").max(200);
export const roleSchema = z.enum(ROLES, { message: "must be admin or operator" });

export const createUserSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  role: roleSchema,
  name: z.string().trim().min(1).max(100).optional(),
  /** The operator's own spend limit per UTC day, in USD ("250" or "99.50"); unset = only the shop's. */
  dailyLimit: z
    .string()
    .regex(/^\d+(\.\d{1,6})?$/, "must be an amount such as 250 or 99.50")
    .optional(),
});

function toAppUser(row: { id: string; email: string; name: string; role: string }): AppUser {
  return { id: row.id, email: row.email, name: row.name, role: roleSchema.parse(row.role) };
}

export async function createUser(db: Db, input: z.input<typeof createUserSchema>): Promise<AppUser> {
  const data = createUserSchema.parse(input);
  const existing = await db.prisma.user.findUnique({ where: { email: data.email } });
  if (existing) throw new AppError("conflict", `A user with email ${data.email} already exists`);
  const passwordHash = await hashPassword(data.password);
  const row = await db.write((prisma) =>
    prisma.user.create({
      data: {
        email: data.email,
        name: data.name ?? data.email.split("@")[0]!,
        passwordHash,
        role: data.role,
        dailySpendLimitMicros: data.dailyLimit === undefined ? null : parseMoney(data.dailyLimit),
      },
    }),
  );
  return toAppUser(row);
}

export async function getUserById(db: Db, id: string): Promise<AppUser | null> {
  const row = await db.prisma.user.findUnique({ where: { id } });
  return row && !row.disabled ? toAppUser(row) : null;
}

export async function getUserByEmail(db: Db, email: string): Promise<AppUser | null> {
  const row = await db.prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  return row && !row.disabled ? toAppUser(row) : null;
}

export async function countUsers(db: Db): Promise<number> {
  return db.prisma.user.count();
}

// Failed logins allowed in the window, per account and per client address.
export const LOGIN_LIMITS = { windowMs: 15 * 60_000, perAccount: 5, perIp: 20 } as const;

async function recentFailures(db: Db, key: string, since: Date): Promise<number> {
  return db.prisma.loginAttempt.count({ where: { key, createdAt: { gte: since } } });
}

export type LoginResult =
  { ok: true; user: AppUser } | { ok: false; reason: "invalid" | "rate_limited"; message: string };

/**
 * Checks an email and password. Failures are counted per account and per IP, and once either limit is
 * reached even a correct password is refused until the window passes. Every failure is audited.
 *
 * The attempt is recorded BEFORE the password is checked and removed again on success, so parallel
 * guesses see each other and cannot slip past the limit together.
 */
export async function verifyCredentials(
  db: Db,
  email: string,
  password: string,
  ip: string | null,
): Promise<LoginResult> {
  const normalized = email.trim().toLowerCase();
  const since = new Date(Date.now() - LOGIN_LIMITS.windowMs);
  const keys = [`email:${normalized}`, ...(ip ? [`ip:${ip}`] : [])];
  const attempts = await db.write((prisma) =>
    Promise.all(keys.map((key) => prisma.loginAttempt.create({ data: { key } }))),
  );
  const [byAccount, byIp] = await Promise.all(keys.map((key) => recentFailures(db, key, since)));
  if ((byAccount ?? 0) > LOGIN_LIMITS.perAccount || (byIp ?? 0) > LOGIN_LIMITS.perIp) {
    // A refused attempt is never checked, so it is no failure of its own and does not extend the lock.
    await db.write((prisma) =>
      prisma.loginAttempt.deleteMany({ where: { id: { in: attempts.map((a) => a.id) } } }),
    );
    await recordAudit(db, { action: "login.rate_limited", details: { email: normalized }, ip });
    const minutes = Math.round(LOGIN_LIMITS.windowMs / 60_000);
    return {
      ok: false,
      reason: "rate_limited",
      message: `Too many failed sign-ins. Try again in ${minutes} minutes.`,
    };
  }

  const row = await db.prisma.user.findUnique({ where: { email: normalized } });
  let valid = false;
  if (row && !row.disabled) valid = await verifyPassword(password, row.passwordHash);
  else await burnPasswordCheck(password);
  if (!valid || !row) {
    // Attempts older than the window count for nothing; dropping them here keeps the table the size of
    // one window (the audit trail keeps the history).
    await db.write((prisma) => prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: since } } }));
    await recordAudit(db, {
      actorId: row?.id ?? null,
      action: "login.failed",
      details: { email: normalized },
      ip,
    });
    return { ok: false, reason: "invalid", message: "Wrong email or password." };
  }
  await db.write((prisma) =>
    prisma.loginAttempt.deleteMany({ where: { id: { in: attempts.map((a) => a.id) } } }),
  );
  await recordAudit(db, { actorId: row.id, action: "login.succeeded", ip });
  return { ok: true, user: toAppUser(row) };
}
