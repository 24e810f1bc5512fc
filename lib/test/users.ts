/** Users inserted straight into a test database, all with one known password. */
import { randomBytes } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/auth/users";
import type { Db } from "@/lib/db";

export const TEST_PASSWORD = "correct horse battery";

// One bcrypt hash (cost 12, ~0.4 s) shared by every user these helpers insert.
let sharedHash: Promise<string> | undefined;

let seq = 0;
export const uniqueEmail = (tag: string) => `${tag}-${++seq}-${randomBytes(3).toString("hex")}@shop.test`;

export async function insertTestUser(
  db: Db,
  options: { email?: string; role?: Role; disabled?: boolean } = {},
) {
  sharedHash ??= hashPassword(TEST_PASSWORD);
  return db.prisma.user.create({
    data: {
      email: options.email ?? uniqueEmail("user"),
      name: "Test",
      passwordHash: await sharedHash,
      role: options.role ?? "operator",
      disabled: options.disabled ?? false,
    },
  });
}
