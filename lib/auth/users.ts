/** Users: creation and lookup. The credential check behind the login page is lib/auth/login.ts. */
import { z } from "zod";
import { parseMoney } from "@/lib/money";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { hashPassword } from "./password";
import { ROLES, type Role } from "./schemas";

export { ROLES, type Role };

export type AppUser = { id: string; email: string; name: string; role: Role };

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("must be an email address").max(254, "must be at most 254 characters"));
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
