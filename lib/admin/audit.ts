/** The audit trail: who confirmed, cancelled, resolved, exported or failed to log in, and when. */
import type { Db, TxClient } from "@/lib/db";

export type AuditInput = {
  actorId?: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  ip?: string | null;
};

function auditData(input: AuditInput) {
  return {
    actorId: input.actorId ?? null,
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    details: input.details ? JSON.stringify(input.details) : null,
    ip: input.ip ?? null,
  };
}

export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  await db.write((prisma) => prisma.auditEvent.create({ data: auditData(input) }));
}

/** Records an audit event inside a transaction that is already open. */
export async function recordAuditIn(tx: TxClient, input: AuditInput): Promise<void> {
  await tx.auditEvent.create({ data: auditData(input) });
}

export async function listAuditEvents(db: Db, filter: { action?: string; limit?: number } = {}) {
  return db.prisma.auditEvent.findMany({
    where: filter.action ? { action: filter.action } : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(filter.limit ?? 100, 500),
    include: { actor: { select: { email: true } } },
  });
}
