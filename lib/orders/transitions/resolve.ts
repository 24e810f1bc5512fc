/**
 * A person's decision about an `uncertain` order: each is one compare-and-set from `uncertain`, so of two
 * people deciding at once exactly one wins.
 */
import type { Db } from "@/lib/db";
import { upstreamSeq } from "./submit";

/**
 * uncertain → submitted with the upstream order id a person gave (verified by the caller). The unique
 * index on upstreamOrderId makes the statement fail if another order already holds the id.
 */
export async function resolvePlaced(
  db: Db,
  input: {
    orderId: string;
    userId: string;
    upstreamOrderId: string;
    upstreamStatus: string;
    nextCheckAt: Date;
    now: Date;
  },
): Promise<boolean> {
  const { now } = input;
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'submitted', "upstreamOrderId" = ${input.upstreamOrderId}, "upstreamStatus" = ${input.upstreamStatus},
        "upstreamSeq" = ${upstreamSeq(input.upstreamOrderId)}, "settleAfter" = NULL, "settleNote" = NULL,
        "placedAt" = COALESCE("placedAt", ${now}), "nextCheckAt" = ${input.nextCheckAt},
        "errorKind" = NULL, "errorMessage" = NULL, "updatedAt" = ${now},
        "stateActor" = ${`user:${input.userId}`}, "stateReason" = 'resolved: it was placed (verified with the upstream)'
      WHERE "id" = ${input.orderId} AND "state" = 'uncertain'`,
  );
  return count === 1;
}

/** uncertain → queued: a person says it was not placed; the upstream's duplicate refusal guards a wrong guess. */
export async function resolveNotPlaced(
  db: Db,
  input: { orderId: string; userId: string; now: Date },
): Promise<boolean> {
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'queued', "notBefore" = NULL, "leaseOwner" = NULL, "leaseExpiresAt" = NULL,
        "updatedAt" = ${input.now}, "stateActor" = ${`user:${input.userId}`}, "stateReason" = 'resolved: it was not placed; queue again'
      WHERE "id" = ${input.orderId} AND "state" = 'uncertain'`,
  );
  return count === 1;
}

/** uncertain → failed (`written_off`): a person gives up on knowing. */
export async function resolveWrittenOff(
  db: Db,
  input: { orderId: string; userId: string; note?: string; now: Date },
): Promise<boolean> {
  const { now } = input;
  const reason = `resolved: written off${input.note ? ` (${input.note})` : ""}`;
  const count = await db.write(
    (prisma) => prisma.$executeRaw`
      UPDATE "Order" SET "state" = 'failed', "errorKind" = 'written_off', "finishedAt" = ${now}, "updatedAt" = ${now},
        "stateActor" = ${`user:${input.userId}`}, "stateReason" = ${reason}
      WHERE "id" = ${input.orderId} AND "state" = 'uncertain'`,
  );
  return count === 1;
}
