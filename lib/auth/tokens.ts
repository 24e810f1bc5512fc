/**
 * Personal API tokens for scripts: shown once, stored only as a SHA-256 hash, optionally expiring,
 * revocable, with the time of last use. A user sees and revokes their own; an admin, everyone's.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { recordAudit } from "@/lib/admin/audit";
import { notFound } from "@/lib/errors";
import { createTokenSchema, type ApiTokenInfo, type CreateTokenInput } from "./schemas";
import { isAdmin } from "./permissions";
import { roleSchema, type AppUser } from "./users";

const TOKEN_PREFIX = "imd_";
const LAST_USED_RESOLUTION_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const tokenSelect = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  user: { select: { id: true, email: true } },
} as const;

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  user: { id: string; email: string };
};

function toTokenInfo(row: TokenRow, now = new Date()): ApiTokenInfo {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    owner: { id: row.user.id, email: row.user.email },
    status: row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active",
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
  };
}

/** Makes a token for a user; the returned `token` is the only copy of the secret. */
export async function createApiToken(
  db: Db,
  userId: string,
  input: CreateTokenInput = { name: "cli" },
): Promise<ApiTokenInfo & { token: string }> {
  const { name, expiresInDays } = createTokenSchema.parse(input);
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const expiresAt = expiresInDays === undefined ? null : new Date(Date.now() + expiresInDays * DAY_MS);
  const row = await db.write((prisma) =>
    prisma.apiToken.create({
      data: { userId, name, prefix, tokenHash: hashToken(token), expiresAt },
      select: tokenSelect,
    }),
  );
  await recordAudit(db, {
    actorId: userId,
    action: "token.create",
    targetType: "user",
    targetId: userId,
    details: { prefix, expiresAt: expiresAt?.toISOString() ?? null },
  });
  return { ...toTokenInfo(row), token };
}

/** The user a bearer token belongs to, or null for an unknown, revoked, expired or disabled one. */
export async function authenticateToken(db: Db, token: string): Promise<AppUser | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await db.prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  const now = new Date();
  if (!row || row.revokedAt || row.user.disabled) return null;
  if (row.expiresAt && row.expiresAt <= now) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // Coarse on purpose: one write a minute per token, not one per request.
    await db.write((prisma) => prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }));
  }
  const { id, email, name, role } = row.user;
  return { id, email, name, role: roleSchema.parse(role) };
}

/** The viewer's own tokens, newest first; an admin's list holds every user's. */
export async function listApiTokens(db: Db, viewer: AppUser): Promise<ApiTokenInfo[]> {
  const rows = await db.prisma.apiToken.findMany({
    where: isAdmin(viewer) ? {} : { userId: viewer.id },
    select: tokenSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const now = new Date();
  return rows.map((row) => toTokenInfo(row, now));
}

/**
 * Revokes a token the viewer may see (their own; an admin, any). Someone else's token is "not found",
 * as an unknown one. Revoking twice keeps the first time.
 */
export async function revokeApiToken(db: Db, viewer: AppUser, id: string): Promise<ApiTokenInfo> {
  const where = isAdmin(viewer) ? { id } : { id, userId: viewer.id };
  const existing = await db.prisma.apiToken.findFirst({ where, select: tokenSelect });
  if (!existing) throw notFound(`API token ${id}`);
  const { count } = await db.write((prisma) =>
    prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } }),
  );
  if (count > 0) {
    await recordAudit(db, {
      actorId: viewer.id,
      action: "token.revoke",
      targetType: "user",
      targetId: existing.user.id,
      details: { prefix: existing.prefix },
    });
  }
  return toTokenInfo(await db.prisma.apiToken.findUniqueOrThrow({ where: { id }, select: tokenSelect }));
}
