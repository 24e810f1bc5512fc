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

/** What an audit event was about, as people read it: a name and, where there is a page, its link. */
export type AuditTarget = { label: string; href?: string };

/**
 * The newest audit events, each with its target described by name (a batch's name, a user's email, an
 * order's IMEI) rather than an internal id.
 */
export async function listAuditEvents(db: Db, filter: { action?: string; limit?: number } = {}) {
  const events = await db.prisma.auditEvent.findMany({
    where: filter.action ? { action: filter.action } : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(filter.limit ?? 100, 500),
    include: { actor: { select: { email: true } } },
  });
  const idsOf = (type: string) => [
    ...new Set(events.flatMap((e) => (e.targetType === type && e.targetId ? [e.targetId] : []))),
  ];
  const [batches, orders, users] = await Promise.all([
    db.prisma.batch.findMany({
      where: { id: { in: idsOf("batch") } },
      select: { id: true, sourceName: true },
    }),
    db.prisma.order.findMany({ where: { id: { in: idsOf("order") } }, select: { id: true, imei: true } }),
    db.prisma.user.findMany({ where: { id: { in: idsOf("user") } }, select: { id: true, email: true } }),
  ]);
  const labels = new Map<string, AuditTarget>([
    ...batches.map(
      (b) => [`batch:${b.id}`, { label: `batch ${b.sourceName}`, href: `/batches/${b.id}` }] as const,
    ),
    ...orders.map((o) => [`order:${o.id}`, { label: `order ${o.imei}`, href: `/orders/${o.id}` }] as const),
    ...users.map((u) => [`user:${u.id}`, { label: u.email }] as const),
  ]);
  return events.map((e) => ({ ...e, target: describeTarget(e.targetType, e.targetId, labels) }));
}

function describeTarget(
  type: string | null,
  id: string | null,
  labels: Map<string, AuditTarget>,
): AuditTarget | null {
  if (!type) return null;
  if (type === "settings") return { label: "shop settings" };
  if (!id) return { label: type };
  return labels.get(`${type}:${id}`) ?? { label: `a deleted ${type}` };
}
