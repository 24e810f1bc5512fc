/**
 * Who is asking: a session cookie (browser) or `Authorization: Bearer <token>` (scripts). The session
 * JWT only names the user; the user row is read on each request so a disabled account or a changed role
 * takes effect at once.
 */
import { decode } from "next-auth/jwt";
import type { Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { authenticateToken } from "./tokens";
import { getUserById, type AppUser } from "./users";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** One cookie from a Cookie header; a malformed one is absent. */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return undefined; // a malformed cookie is no session, not a server error
    }
  }
  return undefined;
}

/** The user id in a valid session cookie, or null. Needs no database (used by the proxy). */
export async function sessionUserId(headers: Headers): Promise<string | null> {
  const cookieHeader = headers.get("cookie");
  for (const name of SESSION_COOKIES) {
    const token = readCookie(cookieHeader, name);
    if (!token) continue;
    const jwt = await decode({ token, secret: getEnv().authSecret }).catch(() => null);
    if (jwt && typeof jwt.uid === "string") return jwt.uid;
  }
  return null;
}

export function bearerToken(headers: Headers): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "");
  return match?.[1] ?? null;
}

/** Who is asking, and how: a bearer token, or the session cookie a browser sends on its own. */
export type Caller = { user: AppUser; via: "token" | "session" };

export async function authenticateCaller(db: Db, headers: Headers): Promise<Caller | null> {
  const token = bearerToken(headers);
  if (token) {
    const user = await authenticateToken(db, token);
    return user && { user, via: "token" };
  }
  const userId = await sessionUserId(headers);
  const user = userId ? await getUserById(db, userId) : null;
  return user && { user, via: "session" };
}

/** The signed-in user for a request, or null. */
export async function authenticateRequest(db: Db, headers: Headers): Promise<AppUser | null> {
  return (await authenticateCaller(db, headers))?.user ?? null;
}
