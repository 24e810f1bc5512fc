// GET /api/v1/batches/{id}/events — progress as server-sent events, read from the database, then `done`
import { withAuth } from "@/lib/api";
import { batchProgressStream } from "@/lib/batches/events";
import { getBatchProgress } from "@/lib/batches/progress";

export const dynamic = "force-dynamic";

export const GET = withAuth<{ id: string }>(async ({ req, db, params }) => {
  await getBatchProgress(db, params.id); // 404 before the stream opens
  const lastEventId = Number(req.headers.get("last-event-id") ?? 0) || 0;
  return new Response(batchProgressStream(db, params.id, { lastEventId, signal: req.signal }), {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
