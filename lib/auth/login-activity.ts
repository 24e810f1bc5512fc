/**
 * What a user is told about sign-in attempts on their account: the failed and refused ones since their
 * sign-in before this one, read from the audit trail (lib/auth/login.ts writes a row for each).
 */
import "server-only";
import type { Db } from "@/lib/db";

const FAILURE_ACTIONS = ["login.failed", "login.rate_limited"];
const ADDRESSES_SHOWN = 3;

export type SignInNotice = {
  failures: number;
  /** The sign-in before the current one; null when this is the account's first. */
  since: Date | null;
  /** The most frequent addresses, null for attempts whose address was not known. */
  addresses: (string | null)[];
  /** Further distinct addresses not listed. */
  otherAddresses: number;
};

/** Failed sign-in attempts on the user's account since their previous sign-in, or null if none. */
export async function getSignInNotice(db: Db, userId: string): Promise<SignInNotice | null> {
  const successes = await db.prisma.auditEvent.findMany({
    where: { actorId: userId, action: "login.succeeded" },
    orderBy: { createdAt: "desc" },
    take: 2,
    select: { createdAt: true },
  });
  const since = successes[1]?.createdAt ?? null;
  const where = {
    actorId: userId,
    action: { in: FAILURE_ACTIONS },
    ...(since ? { createdAt: { gt: since } } : {}),
  };
  const groups = await db.prisma.auditEvent.groupBy({ by: ["ip"], where, _count: { _all: true } });
  if (groups.length === 0) return null;
  // Most attempts first; ties by address, the unknown one last, so the wording is stable.
  const byCount = groups.sort(
    (a, b) => b._count._all - a._count._all || (a.ip ?? "\uffff").localeCompare(b.ip ?? "\uffff"),
  );
  return {
    failures: byCount.reduce((sum, g) => sum + g._count._all, 0),
    since,
    addresses: byCount.slice(0, ADDRESSES_SHOWN).map((g) => g.ip),
    otherAddresses: Math.max(0, byCount.length - ADDRESSES_SHOWN),
  };
}
