import "server-only";
import { cookies } from "next/headers";
import { resolveTimeZone, TIME_ZONE_COOKIE } from "./format";

/** The zone server-rendered times are shown in: the `tz` cookie the app shell keeps, checked; else UTC. */
export async function getViewerTimeZone(): Promise<string> {
  return resolveTimeZone((await cookies()).get(TIME_ZONE_COOKIE)?.value);
}
