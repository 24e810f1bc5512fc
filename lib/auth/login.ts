/**
 * The credential check behind the login page: input caps, limits that slow guessing without letting a
 * stranger lock an owner out, and an audit row for every outcome.
 *
 * Failures are rows of LoginAttempt under keys, counted over a sliding window:
 * - `device:<id>`: from a browser with the account's known-device cookie (lib/auth/known-device.ts). Such
 *   a browser is judged only by its own failures, so nobody else's guesses can block it.
 * - `email:<email>`: from every other client, per account. Past the limit those clients are refused until
 *   the window passes; the owner still gets in from a known device.
 * - `pair:<email>|<address>`: per account and address ("unknown" without one), an exponential back-off
 *   after a few failures, so one client cannot burn an account's whole budget at once.
 * - `ip:<address>`: per address over all accounts (only when the address is known; see client-address.ts).
 *
 * The attempt is recorded BEFORE the password is checked and removed again on success or refusal, so
 * parallel guesses see each other and cannot slip past a limit together; a refused attempt is never
 * checked and extends no lock.
 */
import "server-only";
import { recordAudit } from "@/lib/admin/audit";
import type { Db } from "@/lib/db";
import { burnPasswordCheck, verifyPassword } from "./password";
import { LOGIN_INPUT_LIMITS } from "./schemas";
import { roleSchema, type AppUser } from "./users";

export const LOGIN_LIMITS = {
  windowMs: 15 * 60_000,
  /** Failures per account from clients that are not one of its known devices. */
  perAccount: 10,
  /** Failures from one known device. */
  perDevice: 10,
  /** Failures from one address over all accounts. */
  perIp: 30,
  /** Failures per (account, address) before each next attempt must wait… */
  backoffAfter: 3,
  /** …this long, doubling with every further failure, up to backoffMaxMs. */
  backoffBaseMs: 5_000,
  backoffMaxMs: 5 * 60_000,
} as const;

export type LoginInput = {
  email: string;
  password: string;
  /** The client's address, when known (lib/auth/client-address.ts). */
  ip: string | null;
  /** The valid known-device entries the browser sent. */
  knownDevices?: { userId: string; deviceId: string }[];
};

type Refusal = "device" | "account" | "address" | "backoff";

export type LoginResult =
  | { ok: true; user: AppUser; knownDevice: boolean }
  | { ok: false; reason: "invalid" | "rate_limited"; message: string };

const INVALID: LoginResult = { ok: false, reason: "invalid", message: "Wrong email or password." };

function refusalMessage(refusal: Refusal, waitMs: number): string {
  const wait =
    waitMs < 90_000
      ? `${Math.max(1, Math.ceil(waitMs / 1000))} seconds`
      : `${Math.ceil(waitMs / 60_000)} minutes`;
  const base = `Too many failed sign-ins. Try again in ${wait}`;
  return refusal === "account" ? `${base}, or from a browser you have signed in with before.` : `${base}.`;
}

/** Checks an email and password under the limits above. Oversized input is refused before any write. */
export async function verifyCredentials(db: Db, input: LoginInput): Promise<LoginResult> {
  const { password, ip } = input;
  const email = input.email.trim().toLowerCase();
  if (!email || !password) return INVALID;
  if (email.length > LOGIN_INPUT_LIMITS.email || password.length > LOGIN_INPUT_LIMITS.password)
    return INVALID;

  const now = Date.now();
  const since = new Date(now - LOGIN_LIMITS.windowMs);
  const row = await db.prisma.user.findUnique({ where: { email } });
  const device = row ? input.knownDevices?.find((d) => d.userId === row.id) : undefined;
  const pairKey = `pair:${email}|${ip ?? "unknown"}`;
  const keys = device
    ? [`device:${device.deviceId}`]
    : [`email:${email}`, pairKey, ...(ip ? [`ip:${ip}`] : [])];

  const attempts = await db.write((prisma) =>
    Promise.all(keys.map((key) => prisma.loginAttempt.create({ data: { key } }))),
  );
  const attemptIds = attempts.map((a) => a.id);
  const dropAttempts = () =>
    db.write((prisma) => prisma.loginAttempt.deleteMany({ where: { id: { in: attemptIds } } }));

  const refusal = await findRefusal(db, keys, attemptIds, { device: Boolean(device), pairKey, since, now });
  if (refusal) {
    await dropAttempts();
    await recordAudit(db, {
      actorId: row?.id ?? null,
      action: "login.rate_limited",
      details: { email, limit: refusal.limit },
      ip,
    });
    return { ok: false, reason: "rate_limited", message: refusalMessage(refusal.limit, refusal.waitMs) };
  }

  let valid = false;
  if (row && !row.disabled) valid = await verifyPassword(password, row.passwordHash);
  else await burnPasswordCheck(password);
  if (!valid || !row) {
    // Attempts older than the window count for nothing; dropping them here keeps the table the size of
    // one window (the audit trail keeps the history).
    await db.write((prisma) => prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: since } } }));
    await recordAudit(db, { actorId: row?.id ?? null, action: "login.failed", details: { email }, ip });
    return INVALID;
  }
  // The client knows the password: its own earlier failures (typos) stop counting. The account's count
  // from other clients stays, or a guesser would get a fresh budget each time the owner signs in.
  const ownKey = device ? `device:${device.deviceId}` : pairKey;
  await db.write((prisma) =>
    prisma.loginAttempt.deleteMany({ where: { OR: [{ id: { in: attemptIds } }, { key: ownKey }] } }),
  );
  await recordAudit(db, {
    actorId: row.id,
    action: "login.succeeded",
    details: { knownDevice: Boolean(device) },
    ip,
  });
  return {
    ok: true,
    user: { id: row.id, email: row.email, name: row.name, role: roleSchema.parse(row.role) },
    knownDevice: Boolean(device),
  };
}

/** Which limit, if any, refuses this attempt (its own rows already counted), and for how long. */
async function findRefusal(
  db: Db,
  keys: string[],
  attemptIds: string[],
  context: { device: boolean; pairKey: string; since: Date; now: number },
): Promise<{ limit: Refusal; waitMs: number } | null> {
  const counts = await Promise.all(
    keys.map((key) => db.prisma.loginAttempt.count({ where: { key, createdAt: { gte: context.since } } })),
  );
  const countOf = (prefix: string) => counts[keys.findIndex((k) => k.startsWith(prefix))] ?? 0;
  const windowWait = LOGIN_LIMITS.windowMs;
  if (context.device) {
    return countOf("device:") > LOGIN_LIMITS.perDevice ? { limit: "device", waitMs: windowWait } : null;
  }
  if (countOf("email:") > LOGIN_LIMITS.perAccount) return { limit: "account", waitMs: windowWait };
  if (countOf("ip:") > LOGIN_LIMITS.perIp) return { limit: "address", waitMs: windowWait };

  const earlier = countOf("pair:") - 1;
  if (earlier < LOGIN_LIMITS.backoffAfter) return null;
  const last = await db.prisma.loginAttempt.findFirst({
    where: { key: context.pairKey, createdAt: { gte: context.since }, id: { notIn: attemptIds } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  if (!last) return null;
  const backoff = Math.min(
    LOGIN_LIMITS.backoffBaseMs * 2 ** (earlier - LOGIN_LIMITS.backoffAfter),
    LOGIN_LIMITS.backoffMaxMs,
  );
  const waitMs = last.createdAt.getTime() + backoff - context.now;
  return waitMs > 0 ? { limit: "backoff", waitMs } : null;
}
