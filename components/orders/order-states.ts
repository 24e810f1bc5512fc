import type { BadgeTone } from "@/components/ui/badge";
import type { CountKey } from "@/lib/batches/schemas";

type StateInfo = { label: string; tone: BadgeTone; bar: string; meaning: string };

/** How each order state looks and what it means for the operator. */
export const ORDER_STATE_INFO: Record<CountKey, StateInfo> = {
  queued: { label: "Queued", tone: "gray", bar: "bg-slate-400", meaning: "waiting to be placed" },
  submitting: { label: "Submitting", tone: "blue", bar: "bg-sky-400", meaning: "being placed right now" },
  submitted: {
    label: "Submitted",
    tone: "indigo",
    bar: "bg-indigo-500",
    meaning: "placed, waiting for the result",
  },
  completed: { label: "Completed", tone: "green", bar: "bg-emerald-500", meaning: "result received" },
  rejected: { label: "Rejected", tone: "orange", bar: "bg-orange-500", meaning: "GSM Fusion rejected it" },
  duplicate: {
    label: "Duplicate",
    tone: "violet",
    bar: "bg-violet-400",
    meaning: "already ordered upstream; not charged",
  },
  failed: { label: "Failed", tone: "red", bar: "bg-red-500", meaning: "refused with an error; not charged" },
  uncertain: {
    label: "Uncertain",
    tone: "amber",
    bar: "bg-amber-400",
    meaning: "outcome unknown; needs a person",
  },
  cancelled: {
    label: "Cancelled",
    tone: "gray",
    bar: "bg-slate-300",
    meaning: "cancelled before it was placed",
  },
  skipped: {
    label: "Reused",
    tone: "teal",
    bar: "bg-teal-400",
    meaning: "ordered before for this service: the earlier result is reused, not paid again",
  },
};

/**
 * States an order does not leave on its own. `uncertain` is not among them: it waits for a person; nor
 * is `skipped`: a repeat never placed is no work of the batch (it is counted apart, at $0.00).
 */
export const FINISHED_STATES = [
  "completed",
  "rejected",
  "duplicate",
  "failed",
  "cancelled",
] as const satisfies readonly CountKey[];

export function stateInfo(state: string): StateInfo {
  return state in ORDER_STATE_INFO
    ? ORDER_STATE_INFO[state as CountKey]
    : { label: state, tone: "gray", bar: "bg-slate-300", meaning: state };
}
