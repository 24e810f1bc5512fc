// GET /api/metrics — Prometheus text format (admin only)
import { withAuth } from "@/lib/api";
import { renderMetrics } from "@/lib/admin/metrics";

export const dynamic = "force-dynamic";

export const GET = withAuth(
  async ({ db, upstream, engine }) => {
    const text = await renderMetrics(db, upstream.getHealth(), engine?.worker);
    return new Response(text, { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" } });
  },
  { role: "admin" },
);
