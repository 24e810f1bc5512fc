/** Prometheus text exposition of what matters: orders and batches by state, spend, the upstream breaker. */
import type { Db } from "@/lib/db";
import type { UpstreamHealth } from "@/lib/gsmfusion";
import { toDecimalString } from "@/lib/money";
import { CHARGED_STATES, ORDER_STATES, BATCH_STATES } from "@/lib/orders/states";

type WorkerStats = {
  placed: number;
  duplicate: number;
  failed: number;
  uncertain: number;
  requeued: number;
  calls: number;
};

export async function renderMetrics(
  db: Db,
  upstream: UpstreamHealth,
  worker?: { stats: WorkerStats; concurrencyLimit: number; callsInFlight: number },
): Promise<string> {
  const [orders, batches, charged] = await Promise.all([
    db.prisma.order.groupBy({ by: ["state"], _count: { _all: true } }),
    db.prisma.batch.groupBy({ by: ["state"], _count: { _all: true } }),
    db.prisma.order.aggregate({ where: { state: { in: [...CHARGED_STATES] } }, _sum: { priceMicros: true } }),
  ]);
  const lines: string[] = [];
  const metric = (
    name: string,
    help: string,
    type: "gauge" | "counter",
    samples: [string, number | string][],
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const orderCount = new Map(orders.map((o) => [o.state, o._count._all]));
  metric(
    "imei_desk_orders",
    "Orders by state.",
    "gauge",
    ORDER_STATES.map((s) => [`{state="${s}"}`, orderCount.get(s) ?? 0]),
  );
  const batchCount = new Map(batches.map((b) => [b.state, b._count._all]));
  metric(
    "imei_desk_batches",
    "Batches by state.",
    "gauge",
    BATCH_STATES.map((s) => [`{state="${s}"}`, batchCount.get(s) ?? 0]),
  );
  metric("imei_desk_spend_usd_total", "Price of every placed order, in USD.", "counter", [
    ["", toDecimalString(charged._sum.priceMicros ?? 0n)],
  ]);
  metric("imei_desk_upstream_circuit_open", "1 while the upstream circuit breaker is open.", "gauge", [
    ["", upstream.state === "open" ? 1 : 0],
  ]);
  metric("imei_desk_upstream_in_flight", "Upstream calls in flight.", "gauge", [["", upstream.inFlight]]);
  if (upstream.latencyMs !== null)
    metric("imei_desk_upstream_latency_ms", "Latency of the last successful upstream call.", "gauge", [
      ["", upstream.latencyMs],
    ]);
  if (worker) {
    metric("imei_desk_worker_calls_total", "placeorder calls made by this process's worker.", "counter", [
      ["", worker.stats.calls],
    ]);
    metric(
      "imei_desk_worker_outcomes_total",
      "Outcomes recorded by this process's worker.",
      "counter",
      (["placed", "duplicate", "failed", "uncertain", "requeued"] as const).map((k) => [
        `{outcome="${k}"}`,
        worker.stats[k],
      ]),
    );
    metric("imei_desk_worker_concurrency_limit", "The worker's current adaptive concurrency.", "gauge", [
      ["", worker.concurrencyLimit],
    ]);
  }
  return lines.join("\n") + "\n";
}
