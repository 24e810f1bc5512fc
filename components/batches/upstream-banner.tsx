"use client";

import { useTimeZone } from "@/components/layout/time-zone";
import { Alert } from "@/components/ui/alert";
import { isUpstreamFailing, upstreamBannerTitle } from "@/lib/batches/pace-text";
import type { UpstreamSignal } from "@/lib/batches/schemas";
import { formatDateTime } from "@/lib/format";

/**
 * Shown instead of "Running · Live" while GSM Fusion turns the worker's calls away. The count is the
 * batch's orders still to place: none was sent successfully, so none is charged, and the worker retries
 * them by itself.
 */
export function UpstreamBanner({ upstream }: { upstream: UpstreamSignal | null }) {
  const timeZone = useTimeZone();
  if (!isUpstreamFailing(upstream)) return null;
  const since = upstream.since ? ` since ${formatDateTime(upstream.since, timeZone)}` : "";
  return (
    <div data-testid="upstream-banner">
      <Alert tone="warning" title={upstreamBannerTitle(upstream)}>
        {upstream.reason === "auth" ? (
          <p>
            GSM Fusion has refused the API key{since}. The orders wait in the queue, not placed and not
            charged; an admin should check the GSM Fusion username and API key. Placing resumes by itself once
            the key is accepted.
          </p>
        ) : (
          <p>
            Every call to GSM Fusion was turned away{since} (the site is down or unreachable). The orders wait
            in the queue, not placed and not charged; the app keeps trying and carries on by itself when the
            site answers again. Orders already placed keep their results.
          </p>
        )}
      </Alert>
    </div>
  );
}
