"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useEffect, type ReactNode } from "react";
import { DEFAULT_TIME_ZONE, resolveTimeZone, TIME_ZONE_COOKIE } from "@/lib/format";

const TimeZoneContext = createContext(DEFAULT_TIME_ZONE);

// "Etc/UTC" and "UTC" are one zone: no cookie and no second render for a spelling.
function canonical(zone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return zone;
  }
}

/**
 * Gives client components the zone the server rendered with, so both show the same times (no hydration
 * mismatch), and keeps the `tz` cookie equal to the browser's own zone: when they differ the cookie is set
 * and the page rendered again, once.
 */
export function TimeZoneProvider({ timeZone, children }: { timeZone: string; children: ReactNode }) {
  const router = useRouter();
  useEffect(() => {
    const browserZone = resolveTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (canonical(browserZone) === canonical(timeZone)) return;
    // Zone names hold only cookie-safe characters (resolveTimeZone checks), so no encoding is needed.
    document.cookie = `${TIME_ZONE_COOKIE}=${browserZone}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }, [timeZone, router]);
  return <TimeZoneContext value={timeZone}>{children}</TimeZoneContext>;
}

/** The viewer's time zone, for `formatDateTime` in client components. */
export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}
