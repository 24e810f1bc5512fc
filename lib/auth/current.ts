import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { authenticateRequest } from "./session";
import type { AppUser } from "./users";

/** The user behind the current page request; redirects to /login when there is none. */
export async function requireUser(): Promise<AppUser> {
  const user = await authenticateRequest(await getDb(), await headers());
  if (!user) redirect("/login");
  return user;
}
