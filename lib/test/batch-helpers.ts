/** Helpers for the consent-step tests (create-draft, confirm, cancel). */
import { expect } from "vitest";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

export async function appError(promise: Promise<unknown>): Promise<AppError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** A batch's orders counted by state, e.g. `{ queued: 5 }`. */
export async function countOrderStates(db: Db, batchId: string): Promise<Record<string, number>> {
  const groups = await db.prisma.order.groupBy({
    by: ["state"],
    where: { batchId },
    _count: { _all: true },
  });
  return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
}
