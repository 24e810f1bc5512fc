/**
 * Every request and response shape of the batch endpoints, defined once: the server's types are inferred
 * from these schemas and the browser parses the answers with them. Zod only, no server code: the browser
 * imports this file.
 */
import { z } from "zod";
import { MAX_LINES } from "@/lib/csv";
import { decimalAmountSchema } from "@/lib/money";
import { apiOrderSchema } from "@/lib/orders/schemas";
import { BATCH_STATES, ORDER_STATES, type OrderState } from "@/lib/orders/states";

const count = z.number().int().nonnegative();
const timestamp = z.iso.datetime();

/** POST /api/v1/batches: a list of IMEIs or a CSV, never both. */
export const createDraftSchema = z
  .object({
    serviceId: z.string().trim().min(1, "pick a service"),
    imeis: z.array(z.string().max(100)).max(MAX_LINES, `at most ${MAX_LINES} IMEIs per batch`).optional(),
    csv: z.string().max(5_000_000, "the file is larger than 5 MB").optional(),
    name: z.string().trim().max(200).optional(),
    /** Higher runs first (0 by default); operators may raise a batch to 5, admins to 10. */
    priority: z.number().int().min(0, "must be 0 to 10").max(10, "must be 0 to 10").optional(),
  })
  .refine((v) => (v.imeis ? 1 : 0) + (v.csv !== undefined ? 1 : 0) === 1, {
    message: "send either imeis or csv",
    path: ["imeis"],
  });
export type CreateDraftInput = z.input<typeof createDraftSchema>;

/** POST /api/v1/batches/{id}/confirm; an empty body stands for `{}`. */
export const confirmBatchSchema = z
  .object({
    reorderRepeats: z.boolean().optional(),
    /**
     * The price per IMEI the operator agreed to; left out, the draft's. Confirming at another price than
     * the service's current one is refused with `price_changed`.
     */
    unitPrice: decimalAmountSchema.optional(),
  })
  .strict();

/**
 * `details` of a 409 `price_changed`: the service's price moved since the draft was priced. The draft now
 * holds the new price and estimates; confirming again (with `unitPrice` set to the new price) places it.
 */
export const priceChangedDetailsSchema = z.object({
  serviceId: z.string(),
  previousUnitPrice: decimalAmountSchema,
  unitPrice: decimalAmountSchema,
  estimatedCost: decimalAmountSchema,
  estimatedCostWithRepeats: decimalAmountSchema,
});
export type PriceChangedDetails = z.infer<typeof priceChangedDetailsSchema>;

/** `details` of a 409 `service_retired`: the upstream no longer offers the draft's service. */
export const serviceRetiredDetailsSchema = z.object({ serviceId: z.string(), serviceTitle: z.string() });

export const invalidLineSchema = z.object({ line: z.number().int(), value: z.string(), reason: z.string() });
export type InvalidLine = z.infer<typeof invalidLineSchema>;

export const alreadyOrderedSchema = z.object({
  imei: z.string(),
  orderId: z.string(),
  state: z.string(),
  line: z.number().int(),
});
export type AlreadyOrdered = z.infer<typeof alreadyOrderedSchema>;

const serviceRefSchema = z.object({ id: z.string(), title: z.string() });

/** The answer to POST /api/v1/batches: the priced draft (nothing is placed). */
export const draftSummarySchema = z.object({
  id: z.string(),
  status: z.literal("draft"),
  service: serviceRefSchema,
  sourceName: z.string(),
  total: count,
  /** Orders the confirm will place: distinct valid IMEIs not ordered before for this service. */
  toSubmit: count,
  /** The same when the operator asks to order the repeats again. */
  toSubmitWithRepeats: count,
  invalid: z.array(invalidLineSchema),
  duplicatesInBatch: count,
  alreadyOrdered: z.array(alreadyOrderedSchema),
  unitPrice: decimalAmountSchema,
  estimatedCost: decimalAmountSchema,
  estimatedCostWithRepeats: decimalAmountSchema,
});
export type DraftSummary = z.infer<typeof draftSummarySchema>;

/** Order states a batch counts: every state but `draft`. */
export type CountKey = Exclude<OrderState, "draft">;
export const BATCH_COUNT_KEYS = ORDER_STATES.filter((s): s is CountKey => s !== "draft");

export const batchStatusSchema = z.enum(BATCH_STATES);
export type BatchStatus = z.infer<typeof batchStatusSchema>;

/**
 * A running batch's pace, from its stored orders (lib/batches/pace.ts). `placing`: orders are still to be
 * placed; `perSecond` is null until there is a rate (a few answers, a few seconds), and `secondsLeft` is
 * null without a rate above 0. `waiting_for_results`: every order is placed, results are awaited.
 */
export const batchPaceSchema = z.object({
  phase: z.enum(["placing", "waiting_for_results"]),
  perSecond: z.number().nonnegative().nullable(),
  secondsLeft: z.number().int().positive().nullable(),
  /** Queued or being placed. */
  toPlace: count,
  /** Placed, result not yet in. */
  waitingForResults: count,
});
export type BatchPace = z.infer<typeof batchPaceSchema>;

/**
 * Whether GSM Fusion is turning the worker's calls away (lib/batches/pace.ts), for a batch with orders
 * still to place. `unreachable`: 503s, no connection, the breaker open; `auth`: the API key refused.
 */
export const upstreamSignalSchema = z.object({
  state: z.enum(["answering", "failing"]),
  reason: z.enum(["unreachable", "auth"]).nullable(),
  /** The first refused call since the last order placed. */
  since: timestamp.nullable(),
  /** This batch's orders still to place: none of them placed, none charged. */
  waiting: count,
});
export type UpstreamSignal = z.infer<typeof upstreamSignalSchema>;

/** GET /api/v1/batches/{id} (also the answer to confirm and cancel, and each progress event). */
export const batchProgressSchema = z.object({
  id: z.string(),
  status: batchStatusSchema,
  service: serviceRefSchema,
  sourceName: z.string(),
  ownerId: z.string(),
  /** Uploaded lines, blank ones aside: invalid + duplicatesInBatch + every count below. */
  total: count,
  toSubmit: count,
  invalid: count,
  /** Lines repeating an IMEI of an earlier line of the same upload: they get that line's result. */
  duplicatesInBatch: count,
  /** Orders by state; `skipped`: repeats of earlier orders, not placed, their results reused ($0.00). */
  counts: z.object(
    Object.fromEntries(BATCH_COUNT_KEYS.map((key) => [key, count])) as Record<CountKey, typeof count>,
  ),
  cost: z.object({
    estimated: decimalAmountSchema,
    placed: decimalAmountSchema,
    uncertain: decimalAmountSchema,
    /** Written off by a person: possibly charged. */
    writtenOff: decimalAmountSchema,
  }),
  createdAt: timestamp,
  confirmedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  /** Null unless the batch is queued or running with orders to place or results to wait for. */
  pace: batchPaceSchema.nullable(),
  /** Null unless the batch has orders still to place. */
  upstream: upstreamSignalSchema.nullable(),
});
export type BatchProgress = z.infer<typeof batchProgressSchema>;

/**
 * GET /api/v1/batches/{id}/events: each server-sent event's name and the shape of its `data`. `done` (a
 * settled batch) and `draft` (an unconfirmed one: nothing changes until it is confirmed) are the last
 * event; `error` means the stream stopped and the page should poll.
 */
export const BATCH_EVENTS = {
  progress: batchProgressSchema,
  done: batchProgressSchema,
  draft: batchProgressSchema,
  error: z.object({ message: z.string() }),
} as const;
export type BatchEventName = keyof typeof BATCH_EVENTS;
export type BatchEventData<E extends BatchEventName> = z.infer<(typeof BATCH_EVENTS)[E]>;

/** One event as the server writes it on the stream. */
export function encodeBatchEvent<E extends BatchEventName>(
  event: E,
  data: BatchEventData<E>,
  id?: number,
): string {
  return `event: ${event}\n${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

/** An event's `data` as the browser reads it; null when it is not JSON of the event's shape. */
export function parseBatchEvent<E extends BatchEventName>(event: E, data: string): BatchEventData<E> | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = BATCH_EVENTS[event].safeParse(json);
  return parsed.success ? (parsed.data as BatchEventData<E>) : null;
}

export const BATCH_ORDER_SORTS = ["line", "imei", "state"] as const;
export type BatchOrderSort = (typeof BATCH_ORDER_SORTS)[number];

/** GET /api/v1/batches/{id}/orders: one page of the batch's orders, in upload order unless sorted otherwise. */
export const batchOrdersQuerySchema = z.object({
  state: z.enum(ORDER_STATES, { message: `must be one of ${ORDER_STATES.join(", ")}` }).optional(),
  sort: z.enum(BATCH_ORDER_SORTS, { message: "must be line, imei or state" }).default("line"),
  dir: z.enum(["asc", "desc"], { message: "must be asc or desc" }).default("asc"),
  page: z.coerce.number().int().min(1).max(1_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type BatchOrdersQuery = z.infer<typeof batchOrdersQuerySchema>;

/**
 * The earlier order a skipped repeat reuses: its answer, shown in its place. It can be another operator's:
 * `id` and `batchId` are then null (the viewer may not open it), the answer is shown all the same.
 */
export const reusedOrderSchema = apiOrderSchema
  .pick({
    state: true,
    upstreamOrderId: true,
    upstreamStatus: true,
    result: true,
    placedAt: true,
    createdAt: true,
  })
  .extend({ id: z.string().nullable(), batchId: z.string().nullable() });

export const batchOrdersPageSchema = z.object({
  orders: z.array(apiOrderSchema.extend({ reusedFrom: reusedOrderSchema.nullable() })),
  /** Orders matching the state filter (all pages). */
  total: count,
  page: z.number().int().min(1),
  pageCount: count,
});
export type BatchOrdersPage = z.infer<typeof batchOrdersPageSchema>;
