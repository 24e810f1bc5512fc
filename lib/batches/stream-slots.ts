/**
 * How many progress streams one user may hold open at once. Each open stream reads the database every
 * second, so a script (or a hundred tabs) must not open them without bound.
 *
 * Counted per process: a user could hold this many on each app process. Streams end within
 * STREAM_MAX_LIFETIME_MS (events.ts), so a count never outlives a crashed client by long.
 */
import { AppError } from "@/lib/errors";

export const MAX_STREAMS_PER_USER = 10;

// Kept on globalThis so that every bundle Next.js builds counts the same streams.
const globalForStreams = globalThis as unknown as { imeiDeskOpenStreams?: Map<string, number> };

function openStreams(): Map<string, number> {
  return (globalForStreams.imeiDeskOpenStreams ??= new Map());
}

/** The number of streams the user holds open in this process. */
export function countOpenStreams(userId: string): number {
  return openStreams().get(userId) ?? 0;
}

/**
 * Takes one of the user's stream slots, or refuses with a 429 when all are taken. Returns the release,
 * which may be called any number of times.
 */
export function takeStreamSlot(userId: string, max = MAX_STREAMS_PER_USER): () => void {
  const open = openStreams();
  const count = open.get(userId) ?? 0;
  if (count >= max) {
    throw new AppError(
      "rate_limited",
      `You already follow ${max} batches live, the most one person may. Close a batch page (or another tab), then reload; until then this page refreshes every few seconds instead.`,
    );
  }
  open.set(userId, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (open.get(userId) ?? 1) - 1;
    if (left > 0) open.set(userId, left);
    else open.delete(userId);
  };
}
