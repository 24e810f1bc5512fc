/** Personal API tokens for scripts: shown once, stored only as a SHA-256 hash. */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { recordAudit } from "@/lib/admin/audit";
import { roleSchema, type AppUser } from "./users";

const TOKEN_PREFIX = "imd_";
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createApiToken(
  db: Db,
  userId: string,
  name = "cli",
): Promise<{ token: string; prefix: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  await db.write((prisma) =>
    prisma.apiToken.create({ data: { userId, name, prefix, tokenHash: hashToken(token) } }),
  );
  await recordAudit(db, {
    actorId: userId,
    action: "token.create",
    targetType: "user",
    targetId: userId,
    details: { prefix },
  });
  return { token, prefix };
}

/** The user a bearer token belongs to, or null for an unknown, revoked or disabled one. */
export async function authenticateToken(db: Db, token: string): Promise<AppUser | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!row || row.revokedAt || row.user.disabled) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Coarse on purpose: one write a minute per token, not one per request.
    await db.write((prisma) => prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }));
  }
  const { id, email, name, role } = row.user;
  return { id, email, name, role: roleSchema.parse(role) };
}

export async function listApiTokens(db: Db, userId: string) {
  return db.prisma.apiToken.findMany({
    where: { userId },
    select: { id: true, name: true, prefix: true, lastUsedAt: true, revokedAt: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
}
