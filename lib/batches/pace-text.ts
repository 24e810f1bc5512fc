/**
 * A batch's pace and the upstream signal as people read them ("12.4 orders/s · about 3 min left"). Pure
 * and browser-safe: the batch page and its tests use the same words.
 */
import { formatCount, plural } from "@/lib/format";
import type { BatchPace, UpstreamSignal } from "./schemas";

/** 12.4 → "12.4 orders/s"; below one a second, per minute ("18 orders/min"); 0 → null (nothing to say). */
export function formatRate(perSecond: number): string | null {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return null;
  if (perSecond >= 1) return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toFixed(1)} orders/s`;
  const perMinute = Math.round(perSecond * 60);
  return perMinute >= 1 ? `${plural(perMinute, "order")}/min` : "under 1 order/min";
}

/** 170 → "about 3 min left"; under a minute "less than a minute left"; hours as "about 2 h 10 min left". */
export function formatTimeLeft(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  if (seconds < 60) return "less than a minute left";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} h${rest > 0 ? ` ${rest} min` : ""} left`;
}

/** The one line under the progress bar while the batch runs; null when there is nothing to say. */
export function describePace(pace: BatchPace | null): string | null {
  if (!pace) return null;
  if (pace.phase === "waiting_for_results") {
    return `All placed · waiting for ${plural(pace.waitingForResults, "result")} from GSM Fusion`;
  }
  if (pace.perSecond === null) return `Placing ${plural(pace.toPlace, "order")} · measuring the pace…`;
  const rate = formatRate(pace.perSecond);
  if (!rate) return `Placing · no order answered in the last minute · ${formatCount(pace.toPlace)} to place`;
  const left = pace.secondsLeft === null ? null : formatTimeLeft(pace.secondsLeft);
  return left ? `${rate} · ${left}` : rate;
}

/** True when the batch page should say the upstream is failing instead of "Running · Live". */
export function isUpstreamFailing(upstream: UpstreamSignal | null): upstream is UpstreamSignal {
  return upstream !== null && upstream.state === "failing" && upstream.waiting > 0;
}

/** "GSM Fusion is not answering; 30 orders wait; nothing is lost". */
export function upstreamBannerTitle(upstream: UpstreamSignal): string {
  const what = upstream.reason === "auth" ? "GSM Fusion refuses the API key" : "GSM Fusion is not answering";
  return `${what}; ${plural(upstream.waiting, "order")} ${upstream.waiting === 1 ? "waits" : "wait"}; nothing is lost`;
}
