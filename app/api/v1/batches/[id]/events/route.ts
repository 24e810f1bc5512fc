// GET /api/v1/batches/{id}/events — progress as server-sent events, read from the database, then `done` (or `draft`)
import { withAuth } from "@/lib/api";
import { openBatchProgressStream } from "@/lib/batches/events";

export const dynamic = "force-dynamic";

export const GET = withAuth<{ id: string }>(async ({ req, user, db, params }) => {
  const lastEventId = Number(req.headers.get("last-event-id") ?? 0) || 0;
  const stream = await openBatchProgressStream(db, user, params.id, { lastEventId, signal: req.signal });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
});
