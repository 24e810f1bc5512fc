// GET /api/metrics — Prometheus text format (admin only)
import { withAuth } from "@/lib/api";
import { renderMetrics } from "@/lib/admin/metrics";
import { getEngine } from "@/lib/orders/engine";
import { getUpstream } from "@/lib/upstream";

export const dynamic = "force-dynamic";

export const GET = withAuth(
  async ({ db }) => {
    const worker = getEngine()?.worker;
    const text = await renderMetrics(db, getUpstream().getHealth(), worker);
    return new Response(text, { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
  },
  { role: "admin" },
);
