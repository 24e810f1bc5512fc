/** The order state machine (drawn in lib/orders/README.md). Strings in the database; these are the only values written. */
export const ORDER_STATES = [
  "draft",
  "queued",
  "submitting",
  "submitted",
  "completed",
  "rejected",
  "duplicate",
  "failed",
  "uncertain",
  "cancelled",
  "skipped",
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

/*
 * `skipped`: a repeat of an IMEI another batch already ordered for the service, not placed at confirm
 * (price 0, never charged); `reusedFromId` names the earlier order whose result it carries. It is not
 * work (not in UNFINISHED_STATES) and not an order placed (not in ORDERED_STATES / CHARGED_STATES).
 */

/**
 * `needs_attention`: nothing is left for the machine (nothing queued, submitting, waiting for a result or
 * being settled) but some orders are `uncertain` and need a person's decision. `done` means none do.
 */
export const BATCH_STATES = ["draft", "queued", "running", "needs_attention", "done", "cancelled"] as const;
export type BatchState = (typeof BATCH_STATES)[number];

/** An IMEI in one of these states was ordered (or will be) for its service: a repeat would pay again. */
export const ORDERED_STATES: readonly OrderState[] = [
  "queued",
  "submitting",
  "submitted",
  "completed",
  "rejected",
  "uncertain",
];

/** States in which a batch still has work for the app (placing or waiting for a result). */
export const UNFINISHED_STATES: readonly OrderState[] = ["draft", "queued", "submitting", "submitted"];

/** States that were charged by the upstream, or may have been. */
export const CHARGED_STATES: readonly OrderState[] = ["submitted", "completed", "rejected"];

export function emptyCounts(): Record<Exclude<OrderState, "draft">, number> {
  return {
    queued: 0,
    submitting: 0,
    submitted: 0,
    completed: 0,
    rejected: 0,
    duplicate: 0,
    failed: 0,
    uncertain: 0,
    cancelled: 0,
    skipped: 0,
  };
}
