/** What a failed `placeorder` call means for the order: the money rules' table, in one pure function. */
import { isInvalidUpstreamInputError, isUpstreamError } from "@/lib/gsmfusion";
import type { FinalFailure } from "./transitions";

export type PlacementOutcome =
  | { requeue: true; retryAfterMs?: number; kind: string; message: string }
  | ({ requeue: false } & FinalFailure);

/**
 * "IMEI already exists!" for an order a person sent back to the queue after an unknown outcome proves the
 * first call WAS placed (and charged). Calling it `duplicate` would leave that charge linked to no order,
 * so it goes back to a person, who can now resolve it as placed with the upstream's order id.
 */
export const PLACED_EARLIER: FinalFailure = {
  state: "uncertain",
  errorKind: "placed_earlier",
  errorMessage:
    "The upstream already has this IMEI for this service, so the earlier attempt was placed after all. Resolve it as placed with that order's id.",
  settleNote:
    "The upstream refused it as a duplicate after it was queued again: an earlier attempt was placed. Find that order's id on the site.",
};

export function classifyPlacementFailure(error: unknown): PlacementOutcome {
  if (isUpstreamError(error)) {
    const message = error.upstreamMessage ?? error.message;
    if (error.kind === "not_processed")
      return { requeue: true, retryAfterMs: error.retryAfterMs, kind: error.code, message };
    if (error.kind === "refused") {
      if (error.code === "duplicate")
        return { requeue: false, state: "duplicate", errorKind: "duplicate", errorMessage: message };
      // A refused login is the upstream saying no before doing anything: safe to retry once fixed.
      if (error.code === "auth") return { requeue: true, retryAfterMs: 60_000, kind: "auth", message };
      return { requeue: false, state: "failed", errorKind: error.code, errorMessage: message };
    }
    return {
      requeue: false,
      state: "uncertain",
      errorKind: error.code,
      errorMessage: `No clear answer from the upstream (${error.code}); it may have been placed.`,
    };
  }
  if (isInvalidUpstreamInputError(error)) {
    return { requeue: false, state: "failed", errorKind: "invalid_input", errorMessage: error.message };
  }
  // A bug of ours after the call may have gone out: never assume it did not.
  return {
    requeue: false,
    state: "uncertain",
    errorKind: "internal",
    errorMessage: "An internal error interrupted placing this order; it may have been placed.",
  };
}
