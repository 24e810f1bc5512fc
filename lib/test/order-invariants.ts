/**
 * Checks of the product's money promises (the README's promise 2) against the sandbox's charge ledger, and of the
 * OrderEvent history against the order state machine. Shared by the fault, crash, two-worker and
 * fairness tests.
 */
import type { Db } from "@/lib/db";
import type { SandboxCharge, SandboxHandle } from "@/lib/gsmfusion/sandbox/server";
import { setLogSink, type LogLevel } from "@/lib/log";

export type CapturedLog = { level: LogLevel; msg: string; fields: Record<string, unknown> };

/** Sends the app's log lines to an array instead of the terminal; `restore()` puts the old sink back. */
export function captureLogs(): { lines: CapturedLog[]; restore(): void; errors(): CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const restore = setLogSink((level, line) => {
    const { msg, ...fields } = JSON.parse(line) as { msg: string } & Record<string, unknown>;
    lines.push({ level, msg, fields });
  });
  return { lines, restore, errors: () => lines.filter((l) => l.level === "error") };
}

/** errorKind values that mean "the answer was lost; the call may have been processed". */
export const LOST_ANSWER_KINDS = new Set([
  "timeout",
  "reset",
  "bad_gateway",
  "unreadable",
  "no_order_id",
  "lease_expired",
  "internal",
]);

/** Every transition the state machine allows (lib/orders/README.md), as `from>to`. */
export const ALLOWED_TRANSITIONS = new Set([
  "draft>queued",
  "draft>cancelled",
  "draft>skipped",
  "queued>submitting",
  "queued>cancelled",
  "submitting>submitted",
  "submitting>duplicate",
  "submitting>failed",
  "submitting>uncertain",
  "submitting>queued",
  "submitted>completed",
  "submitted>rejected",
  "uncertain>submitted",
  "uncertain>queued",
  "uncertain>failed",
]);

type OrderRow = {
  id: string;
  batchId: string;
  imei: string;
  serviceId: string;
  state: string;
  upstreamOrderId: string | null;
  errorKind: string | null;
  attempts: number;
};

export type LedgerReport = {
  violations: string[];
  orders: OrderRow[];
  charges: SandboxCharge[];
  counts: Record<string, number>;
};

async function loadOrders(db: Db, batchIds: string[]): Promise<OrderRow[]> {
  return db.prisma.order.findMany({
    where: { batchId: { in: batchIds } },
    select: {
      id: true,
      batchId: true,
      imei: true,
      serviceId: true,
      state: true,
      upstreamOrderId: true,
      errorKind: true,
      attempts: true,
    },
  });
}

/**
 * The money invariants, checked against the sandbox ledger for one service and the given batches (which
 * hold each IMEI at most once). Returns every violation found, not just the first, so a failure says all.
 */
export async function checkLedger(
  db: Db,
  sandbox: SandboxHandle,
  input: { serviceId: string; batchIds: string[] },
): Promise<LedgerReport> {
  const violations: string[] = [];
  const orders = await loadOrders(db, input.batchIds);
  const charges = sandbox.state.charges.filter((c) => c.serviceId === input.serviceId);
  const counts: Record<string, number> = {};
  for (const o of orders) counts[o.state] = (counts[o.state] ?? 0) + 1;

  const byUpstream = new Map<string, OrderRow[]>();
  const byImei = new Map<string, OrderRow[]>();
  for (const o of orders) {
    if (o.upstreamOrderId)
      byUpstream.set(o.upstreamOrderId, [...(byUpstream.get(o.upstreamOrderId) ?? []), o]);
    byImei.set(o.imei, [...(byImei.get(o.imei) ?? []), o]);
  }
  for (const [imei, list] of byImei)
    if (list.length > 1) violations.push(`test setup: IMEI ${imei} has ${list.length} orders in scope`);

  // Nothing charged twice.
  const chargedImeis = new Map<string, SandboxCharge[]>();
  for (const c of charges) chargedImeis.set(c.imei, [...(chargedImeis.get(c.imei) ?? []), c]);
  for (const [imei, list] of chargedImeis) {
    if (list.length > 1)
      violations.push(
        `IMEI ${imei} charged ${list.length} times (upstream ids ${list.map((c) => c.orderId).join(", ")})`,
      );
  }

  // Every charge is linked to exactly one order with its upstream id, or that order is uncertain.
  for (const charge of charges) {
    const linked = byUpstream.get(charge.orderId) ?? [];
    if (linked.length === 1) {
      if (linked[0]!.imei !== charge.imei)
        violations.push(
          `upstream order ${charge.orderId} (IMEI ${charge.imei}) is linked to an order for IMEI ${linked[0]!.imei}`,
        );
      continue;
    }
    if (linked.length > 1) {
      violations.push(`upstream order ${charge.orderId} is linked to ${linked.length} orders`);
      continue;
    }
    const mine = byImei.get(charge.imei) ?? [];
    if (mine.length === 0) {
      violations.push(`charge ${charge.orderId} for IMEI ${charge.imei} has no order in scope`);
    } else if (mine.length !== 1 || mine[0]!.state !== "uncertain") {
      violations.push(
        `charged IMEI ${charge.imei} (upstream ${charge.orderId}) is not linked: its order is ${mine.map((o) => `${o.state}/${o.upstreamOrderId ?? "no id"}`).join(", ")}`,
      );
    }
  }

  const chargeById = new Map(charges.map((c) => [c.orderId, c]));
  for (const o of orders) {
    // Nothing submitted/completed/rejected without a sandbox charge for its upstream id.
    if (o.state === "submitted" || o.state === "completed" || o.state === "rejected") {
      const charge = o.upstreamOrderId ? chargeById.get(o.upstreamOrderId) : undefined;
      if (!charge)
        violations.push(
          `order ${o.id} is ${o.state} with upstream id ${o.upstreamOrderId ?? "none"}, which the sandbox never charged`,
        );
      else if (charge.imei !== o.imei)
        violations.push(
          `order ${o.id} (IMEI ${o.imei}) carries upstream id ${o.upstreamOrderId} of IMEI ${charge.imei}`,
        );
    }
    // Nothing left in flight.
    if (o.state === "queued" || o.state === "submitting" || o.state === "draft")
      violations.push(`order ${o.id} left ${o.state}`);
    // Uncertain only where an answer was lost.
    if (o.state === "uncertain" && !chargedImeis.has(o.imei) && !LOST_ANSWER_KINDS.has(o.errorKind ?? "")) {
      violations.push(
        `order ${o.id} is uncertain (${o.errorKind ?? "no errorKind"}) but was neither charged nor lost an answer`,
      );
    }
    // A failed or duplicate order was not charged (all IMEIs in these tests are fresh).
    if ((o.state === "failed" || o.state === "duplicate") && chargedImeis.has(o.imei)) {
      violations.push(`order ${o.id} is ${o.state} (${o.errorKind ?? ""}) but IMEI ${o.imei} was charged`);
    }
  }
  return { violations, orders, charges, counts };
}

/**
 * The OrderEvent history against the state machine: every event is an allowed transition, the events of
 * an order chain from `draft` to its current state (the in- and out-flows of every state balance), and
 * there is one `submitting` event per attempt.
 */
export async function checkEventHistory(
  db: Db,
  batchIds: string[],
): Promise<{ violations: string[]; submittingEvents: Map<string, number> }> {
  const violations: string[] = [];
  const orders = await loadOrders(db, batchIds);
  const events = await db.prisma.orderEvent.findMany({
    where: { order: { batchId: { in: batchIds } } },
    select: { orderId: true, fromState: true, toState: true },
  });
  const byOrder = new Map<string, { fromState: string | null; toState: string }[]>();
  for (const e of events) byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), e]);
  const submittingEvents = new Map<string, number>();
  for (const o of orders) {
    const list = byOrder.get(o.id) ?? [];
    const balance = new Map<string, number>([["draft", -1]]);
    balance.set(o.state, (balance.get(o.state) ?? 0) + 1);
    let submitting = 0;
    for (const e of list) {
      const from = e.fromState ?? "(none)";
      if (!ALLOWED_TRANSITIONS.has(`${from}>${e.toState}`))
        violations.push(`order ${o.id}: transition ${from} → ${e.toState} is not in the state machine`);
      balance.set(from, (balance.get(from) ?? 0) + 1);
      balance.set(e.toState, (balance.get(e.toState) ?? 0) - 1);
      if (e.toState === "submitting") submitting += 1;
    }
    submittingEvents.set(o.id, submitting);
    if (o.state !== "draft") {
      const off = [...balance].filter(([, n]) => n !== 0);
      if (off.length > 0)
        violations.push(
          `order ${o.id} (${o.state}): events do not chain from draft (${list.map((e) => `${e.fromState}→${e.toState}`).join(", ")})`,
        );
    }
    if (submitting !== o.attempts)
      violations.push(`order ${o.id}: ${o.attempts} attempts but ${submitting} submitting events`);
  }
  return { violations, submittingEvents };
}

/** Orders of the batches still waiting to be placed or being placed. */
export async function countInFlight(db: Db, batchIds: string[]): Promise<number> {
  return db.prisma.order.count({
    where: { batchId: { in: batchIds }, state: { in: ["queued", "submitting"] } },
  });
}
