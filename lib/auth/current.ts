import "server-only";
import { headers } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { isAppError } from "@/lib/errors";
import { isAdmin } from "./permissions";
import { authenticateRequest } from "./session";
import type { AppUser } from "./users";

/** The user behind the current page request; redirects to /login when there is none. */
export async function requireUser(): Promise<AppUser> {
  const user = await authenticateRequest(await getDb(), await headers());
  if (!user) redirect("/login");
  return user;
}

/** The signed-in admin; any other user gets the real 403 page (`forbidden()`). */
export async function requireAdmin(): Promise<AppUser> {
  const user = await requireUser();
  if (!isAdmin(user)) forbidden();
  return user;
}

/**
 * What a page shows, or Next.js's 404 page when the object is missing or the user may not see it (the
 * same `not_found` the API answers): a page never tells another's object from one that does not exist.
 */
export async function loadOrNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
}
