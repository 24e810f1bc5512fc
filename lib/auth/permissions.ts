/**
 * Who may see and do what: the one place that decides it, used by every read and every action on batches
 * and orders (API routes, pages, the progress stream, the export, sync, statistics) and by the admin checks.
 *
 * - An admin sees and acts on everything.
 * - An operator sees and acts on their own batches and orders. With the shop setting
 *   `operatorsSeeAllOrders`, an operator also SEES every operator's, but still acts only on their own.
 * - What a user may not see does not exist for them: a 404 (`not_found`), never a 403, so ids cannot be
 *   probed. What they may see but not change is a 403 (`forbidden`) that says why.
 *
 * Reads take an `OwnerScope`, which only this module makes, so a query cannot be written without deciding
 * whose rows it may return. Both Batch and Order carry `ownerId`, so a scope is one indexed `where` term.
 */
import "server-only";
import { readShopSettings } from "@/lib/admin/settings";
import type { Db, TxClient } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import type { AppUser, Role } from "./users";

export type Intent = "see" | "act";

declare const ownerScopeBrand: unique symbol;

/** Whose batches and orders a read may return: one owner's, or every owner's (`ownerId` undefined). */
export type OwnerScope = { readonly ownerId: string | undefined; readonly [ownerScopeBrand]: true };

const scopeOf = (ownerId: string | undefined) => ({ ownerId }) as OwnerScope;

/** The database or an open transaction (confirm and cancel decide inside theirs). */
export type PermissionReader = Db | Pick<TxClient, "batch" | "order" | "shopSetting">;

function clientOf(reader: PermissionReader): Pick<TxClient, "batch" | "order"> {
  return "prisma" in reader ? reader.prisma : reader;
}

export function isAdmin(user: Pick<AppUser, "role">): boolean {
  return user.role === "admin";
}

/** For routes and pages that need a role (`withAuth(…, { role })`); admin-only pages call `forbidden()`. */
export function hasRole(user: Pick<AppUser, "role">, role: Role): boolean {
  return user.role === role;
}

/** Whether the shop lets operators see every operator's work, read now (no process cache). */
async function operatorsSeeAll(reader: PermissionReader): Promise<boolean> {
  return (await readShopSettings(reader)).operatorsSeeAllOrders;
}

/** Acting is never widened by the shop setting: an operator acts on their own work, an admin on all. */
export function canActOn(user: AppUser, ownerId: string): boolean {
  return isAdmin(user) || ownerId === user.id;
}

/** The scope of a user's actions (confirm, cancel, resolve, and the dashboard's "needs a decision"). */
export function actingScopeOf(user: AppUser): OwnerScope {
  return scopeOf(isAdmin(user) ? undefined : user.id);
}

/** The scope of a user's reads or actions now; reading may be widened by the shop setting. */
export async function ownerScopeFor(
  reader: PermissionReader,
  user: AppUser,
  intent: Intent,
): Promise<OwnerScope> {
  if (intent === "act" || isAdmin(user)) return actingScopeOf(user);
  return scopeOf((await operatorsSeeAll(reader)) ? undefined : user.id);
}

/** Whether a scope covers every owner (an admin, or an operator under the shop setting). */
export function coversEveryOwner(scope: OwnerScope): boolean {
  return scope.ownerId === undefined;
}

/** The scope as a Prisma `where` term for Batch and Order rows. */
export function ownerWhere(scope: OwnerScope): { ownerId?: string } {
  return scope.ownerId === undefined ? {} : { ownerId: scope.ownerId };
}

/**
 * A batch or order row the user may see (or act on), else an error: missing or not visible is a 404;
 * visible under the shop setting but another operator's is a 403 for an action.
 */
export async function authorizeOwned<T extends { ownerId: string }>(
  reader: PermissionReader,
  user: AppUser,
  row: T | null,
  what: "Batch" | "Order",
  intent: Intent,
): Promise<T> {
  if (!row) throw notFound(what);
  if (canActOn(user, row.ownerId)) return row;
  if (!(await operatorsSeeAll(reader))) throw notFound(what);
  if (intent === "see") return row;
  throw new AppError(
    "forbidden",
    `This ${what.toLowerCase()} is another operator's: only its owner or an admin may change it.`,
  );
}

export async function findBatchFor(reader: PermissionReader, user: AppUser, batchId: string, intent: Intent) {
  const row = await clientOf(reader).batch.findUnique({ where: { id: batchId } });
  return authorizeOwned(reader, user, row, "Batch", intent);
}

export async function findOrderFor(reader: PermissionReader, user: AppUser, orderId: string, intent: Intent) {
  const row = await clientOf(reader).order.findUnique({ where: { id: orderId } });
  return authorizeOwned(reader, user, row, "Order", intent);
}

export type AppPage = { href: string; label: string; adminOnly?: true };

/** The pages of the main navigation; a user is shown only those they may open. */
export const APP_PAGES: readonly AppPage[] = [
  { href: "/", label: "Dashboard" },
  { href: "/batches/new", label: "New batch" },
  { href: "/orders", label: "Orders" },
  { href: "/attention", label: "Needs attention" },
  { href: "/services", label: "Services" },
  { href: "/statistics", label: "Statistics" },
  { href: "/admin", label: "Admin", adminOnly: true },
];

export function listPagesFor(user: AppUser): AppPage[] {
  return APP_PAGES.filter((page) => !page.adminOnly || isAdmin(user));
}
