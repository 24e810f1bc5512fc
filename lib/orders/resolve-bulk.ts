/**
 * One decision for many uncertain orders (the needs-attention list): write off, queue again, or link the
 * pairs a person pasted from the site's export. Each order goes through `resolveUncertain`, so each is
 * its own permission check, compare-and-set and audit event with the person as actor; one order refused
 * (decided meanwhile, an id the upstream does not know) never stops the others.
 */
import "server-only";
import { actingScopeOf } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { GsmFusionClient } from "@/lib/gsmfusion";
import { isUpstreamError } from "@/lib/gsmfusion/errors";
import type { UpstreamOrder } from "@/lib/gsmfusion/types";
import { findDecisionCandidates } from "./queries";
import { resolveUncertain } from "./resolve";
import type {
  BulkResolveOutcome,
  BulkResolveRequest,
  BulkResolveResult,
  ResolveAction,
  ResolvePair,
} from "./schemas";

type Upstream = Pick<GsmFusionClient, "getOrders">;

// Another operator's order id gets exactly this answer, as an id that does not exist.
const NOT_YOURS = "No order you may decide has this id.";

export async function resolveUncertainBulk(
  db: Db,
  upstream: Upstream,
  user: AppUser,
  request: BulkResolveRequest,
): Promise<BulkResolveResult> {
  const results =
    request.action === "placed"
      ? await resolvePastedPairs(db, upstream, user, request.pairs)
      : await resolveOrderIds(db, upstream, user, request);
  const resolved = results.filter((r) => r.outcome === "resolved").length;
  return { action: request.action, resolved, refused: results.length - resolved, results };
}

async function resolveOrderIds(
  db: Db,
  upstream: Upstream,
  user: AppUser,
  request: Extract<BulkResolveRequest, { orderIds: string[] }>,
): Promise<BulkResolveOutcome[]> {
  const ids = [...new Set(request.orderIds)];
  const mine = new Map(
    (await findDecisionCandidates(db, actingScopeOf(user), { ids })).map((o) => [o.id, o]),
  );
  const action: ResolveAction =
    request.action === "write_off" ? { action: "write_off", note: request.note } : { action: "not_placed" };
  const results: BulkResolveOutcome[] = [];
  for (const id of ids) {
    const order = mine.get(id);
    const base = { orderId: id, imei: order?.imei ?? null, line: null, upstreamOrderId: null };
    results.push(
      order
        ? await decide(db, upstream, user, action, base)
        : { ...base, outcome: "refused", code: "not_found", message: NOT_YOURS },
    );
  }
  return results;
}

async function resolvePastedPairs(
  db: Db,
  upstream: Upstream,
  user: AppUser,
  pairs: ResolvePair[],
): Promise<BulkResolveOutcome[]> {
  const candidates = await findDecisionCandidates(db, actingScopeOf(user), {
    imeis: [...new Set(pairs.map((p) => p.imei))],
  });
  const byImei = new Map<string, typeof candidates>();
  for (const order of candidates) byImei.set(order.imei, [...(byImei.get(order.imei) ?? []), order]);
  const firstLineOf = { imei: new Map<string, number>(), id: new Map<string, number>() };
  // Every line is judged before the upstream is asked: it hears only of ids paired with the caller's orders.
  const judged = pairs.map((pair, index): BulkResolveOutcome => {
    const line = pair.line ?? index + 1;
    const orders = byImei.get(pair.imei) ?? [];
    const imeiLine = firstLineOf.imei.get(pair.imei);
    const idLine = firstLineOf.id.get(pair.upstreamOrderId);
    firstLineOf.imei.set(pair.imei, imeiLine ?? line);
    firstLineOf.id.set(pair.upstreamOrderId, idLine ?? line);
    const base = { imei: pair.imei, line, upstreamOrderId: pair.upstreamOrderId, orderId: null };
    const refuse = (code: "not_found" | "conflict", message: string): BulkResolveOutcome => ({
      ...base,
      outcome: "refused",
      code,
      message,
    });
    if (imeiLine !== undefined) return refuse("conflict", `IMEI ${pair.imei} is also on line ${imeiLine}.`);
    if (idLine !== undefined)
      return refuse("conflict", `Upstream order ${pair.upstreamOrderId} is also on line ${idLine}.`);
    if (orders.length === 0)
      return refuse("not_found", `No uncertain order you may decide has IMEI ${pair.imei}.`);
    if (orders.length > 1)
      return refuse(
        "conflict",
        `IMEI ${pair.imei} has ${orders.length} uncertain orders (different services): decide each on its order page.`,
      );
    return { ...base, orderId: orders[0]!.id, outcome: "resolved", code: null, message: null };
  });
  const toDecide = judged.filter((r) => r.outcome === "resolved");
  const verified = await prefetchUpstreamOrders(
    upstream,
    toDecide.map((r) => r.upstreamOrderId!),
  );
  const results: BulkResolveOutcome[] = [];
  for (const outcome of judged) {
    results.push(
      outcome.outcome === "resolved"
        ? await decide(
            db,
            verified,
            user,
            { action: "placed", upstreamOrderId: outcome.upstreamOrderId! },
            { ...outcome, orderId: outcome.orderId! },
          )
        : outcome,
    );
  }
  return results;
}

/**
 * The pasted ids asked of the upstream 100 at a time (one `getimeis` call each, through the client's
 * breaker and retries), so `resolveUncertain`'s own check per order is answered from here. An id a
 * multi-id answer left out is asked again alone before it counts as unknown upstream.
 */
async function prefetchUpstreamOrders(upstream: Upstream, ids: string[]): Promise<Upstream> {
  let known = new Map<string, UpstreamOrder>();
  if (ids.length === 0) return upstream;
  try {
    const found = await upstream.getOrders(ids);
    known = new Map(found.map((o) => [o.upstreamOrderId, o]));
  } catch {
    // Each order then asks for itself, and its refusal carries the upstream's error.
  }
  return {
    getOrders: async (ids) => {
      const hit = ids.map((id) => known.get(id));
      return hit.every(Boolean) ? (hit as UpstreamOrder[]) : upstream.getOrders(ids);
    },
  };
}

async function decide(
  db: Db,
  upstream: Upstream,
  user: AppUser,
  action: ResolveAction,
  base: Omit<BulkResolveOutcome, "outcome" | "code" | "message"> & { orderId: string },
): Promise<BulkResolveOutcome> {
  try {
    await resolveUncertain(db, upstream, user, base.orderId, action);
    return { ...base, outcome: "resolved", code: null, message: null };
  } catch (error) {
    if (error instanceof AppError)
      return { ...base, outcome: "refused", code: error.code, message: error.message };
    if (isUpstreamError(error)) {
      const message = `The GSM Fusion site did not answer usefully (${error.code}); this order is still uncertain: try again shortly.`;
      return { ...base, outcome: "refused", code: "upstream_unavailable", message };
    }
    throw error;
  }
}
