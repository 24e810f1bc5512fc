import "server-only";
import { cookies } from "next/headers";
import { resolveTimeZone, TIME_ZONE_COOKIE } from "./format";

/** The zone server-rendered times are shown in: the `tz` cookie the app shell keeps, checked; else UTC. */
export async function getViewerTimeZone(): Promise<string> {
  return resolveTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);
}

/** The zone for an API answer (exports, date filters): `?tz=` if given, else the `tz` cookie, else UTC. */
export function requestTimeZone(req: Request): string {
  const fromQuery = new URL(req.url).searchParams.get("tz");
  if (fromQuery) return resolveTimeZone(fromQuery);
  const cookie = req.headers.get("cookie") ?? "";
  const match = cookie.match(new RegExp(`(?:^|;\\s*)${TIME_ZONE_COOKIE}=([^;]*)`));
  return resolveTimeZone(match ? decodeURIComponent(match[1]!) : null);
}
