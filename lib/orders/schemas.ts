/**
 * Every request and response shape of the order endpoints, defined once: the server's types are inferred
 * from these schemas and the browser parses the answers with them. Zod only, no server code: the browser
 * imports this file.
 */
import { z } from "zod";
import { parsedResultSchema } from "@/lib/gsmfusion/result-schema";
import { ERROR_CODES } from "@/lib/errors";
import { decimalAmountSchema } from "@/lib/money";
import { parseCalendarDay, startOfDay } from "@/lib/calendar-day";
import { DEFAULT_TIME_ZONE, resolveTimeZone } from "@/lib/format";
import { ORDER_STATES } from "./states";

/** Most IMEIs one search (or export) of the order history takes. */
export const MAX_IMEI_FILTER = 10_000;

/**
 * IMEIs separated by spaces, commas or semicolons; each keeps its digits only (`35-39…` searches `3539…`).
 * A part with no digit at all is refused, never dropped: an empty filter would match every order.
 */
const imeiListSchema = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(/[\s,;]+/).filter(Boolean);
    const blank = parts.length === 0 ? s : parts.find((p) => !/\d/.test(p));
    if (blank !== undefined) {
      ctx.addIssue({
        code: "custom",
        message: `${blank.trim() ? `"${blank.slice(0, 40)}"` : "the IMEI filter"} has no digits: give IMEIs separated by spaces, commas or semicolons, or leave the filter out`,
      });
      return z.NEVER;
    }
    return parts.map((p) => p.replace(/\D/g, ""));
  })
  .refine((list) => list.length <= MAX_IMEI_FILTER, "at most 10,000 IMEIs per search");

/** Shortest digit run `q=` searches for: fewer would match a large part of any history. */
export const MIN_IMEI_SEARCH = 4;

/** `q=`: one IMEI or a part of one, digits only (spaces and dashes are dropped). */
const imeiSearchSchema = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, ""))
  .refine(
    (s) => /^\d+$/.test(s) && s.length >= MIN_IMEI_SEARCH && s.length <= 17,
    `must be ${MIN_IMEI_SEARCH} to 17 digits of an IMEI (any part of it): fewer digits would match a large part of the history`,
  );

/** `from` / `to`: a calendar day (YYYY-MM-DD, read in `tz`) or an exact instant (ISO 8601). */
const daySchema = z
  .string()
  .refine(
    (s) => parseCalendarDay(s) !== null || (/^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s))),
    "must be a day such as 2026-11-21 (or an ISO 8601 time such as 2026-11-21T09:30:00Z)",
  );

/** A result field's filter: compared case-insensitively with the stored value as a whole. */
const resultFieldFilter = z.string().trim().min(1).max(200);

/** The statuses the upstream reports for a placed order (stored as `upstreamStatus`). */
export const UPSTREAM_STATUSES = ["pending", "in_process", "completed", "rejected"] as const;

/** The sort orders of the history: newest first (default), oldest first, or by IMEI (ascending). */
export const ORDER_SORTS = ["newest", "oldest", "imei"] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

const ORDER_STATE_MESSAGE = `must be one of ${ORDER_STATES.join(", ")}`;

/**
 * The query of GET /api/v1/orders and of its exports; every filter is ANDed. `from`/`to` are inclusive
 * calendar days in `tz` (default UTC), read by `createdRangeOf`. `status` is the earlier name of `state`
 * and still accepted. Field rules only (no rule across fields), so the exports can `omit` the paging.
 */
export const orderFilterSchema = z.object({
  imei: imeiListSchema.optional(),
  q: imeiSearchSchema.optional(),
  state: z.enum(ORDER_STATES, { message: ORDER_STATE_MESSAGE }).optional(),
  status: z.enum(ORDER_STATES, { message: ORDER_STATE_MESSAGE }).optional(),
  upstreamStatus: z
    .enum(UPSTREAM_STATUSES, { message: `must be one of ${UPSTREAM_STATUSES.join(", ")}` })
    .optional(),
  serviceId: z.string().min(1).optional(),
  batchId: z.string().min(1).optional(),
  /** An operator's user id; it narrows the caller's scope, never widens it. */
  operator: z.string().min(1).max(100).optional(),
  from: daySchema.optional(),
  to: daySchema.optional(),
  tz: z
    .string()
    .refine((tz) => resolveTimeZone(tz) === tz, "must be an IANA time zone such as Europe/Berlin")
    .optional(),
  overdue: z.enum(["true", "false"]).optional(),
  carrier: resultFieldFilter.optional(),
  simLock: resultFieldFilter.optional(),
  fmi: resultFieldFilter.optional(),
  model: resultFieldFilter.optional(),
  sort: z.enum(ORDER_SORTS, { message: `must be one of ${ORDER_SORTS.join(", ")}` }).default("newest"),
  /** The page after this order (`nextCursor`). */
  cursor: z.string().min(1).max(100).optional(),
  /** The page before this order (`prevCursor`). */
  before: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OrderFilter = z.infer<typeof orderFilterSchema>;

/** The filter's rules across fields, as field issues (a 422 names each). */
export function orderFilterIssues(
  f: Pick<OrderFilter, "state" | "status" | "cursor" | "before" | "from" | "to" | "tz">,
): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  if (f.status && f.state && f.status !== f.state)
    issues.push({ field: "status", message: "give `state` or `status` (its earlier name), not both" });
  if (f.cursor && f.before) issues.push({ field: "before", message: "give `cursor` or `before`, not both" });
  const { createdFrom, createdBefore } = createdRangeOf(f);
  if (createdFrom && createdBefore && createdFrom >= createdBefore)
    issues.push({ field: "to", message: "must be the day of `from` or later" });
  return issues;
}

/**
 * `from`/`to` as instants: `createdFrom` the first instant of the day `from` in `tz` (default UTC),
 * `createdBefore` the first instant after the day `to` (so both days are whole). An ISO time is taken as
 * the instant itself (`to` inclusive).
 */
export function createdRangeOf(f: Pick<OrderFilter, "from" | "to" | "tz">): {
  createdFrom?: Date;
  createdBefore?: Date;
} {
  const zone = f.tz ?? DEFAULT_TIME_ZONE;
  const day = (s: string, add: number) => (parseCalendarDay(s) ? startOfDay(s, zone, add) : null);
  return {
    createdFrom: f.from === undefined ? undefined : (day(f.from, 0) ?? new Date(f.from)),
    createdBefore: f.to === undefined ? undefined : (day(f.to, 1) ?? new Date(new Date(f.to).getTime() + 1)),
  };
}

const upstreamOrderIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, "must be the upstream's numeric order id");

/** POST /api/v1/orders/{id}/resolve: a person's decision about an uncertain order. */
export const resolveSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("placed"),
    upstreamOrderId: upstreamOrderIdSchema,
  }),
  z.object({ action: z.literal("not_placed") }),
  z.object({ action: z.literal("write_off"), note: z.string().max(500).optional() }),
]);
export type ResolveAction = z.infer<typeof resolveSchema>;

/** Most orders one bulk decision takes (POST /api/v1/orders/resolve-bulk). */
export const MAX_BULK_RESOLVE = 1000;

/** One pasted `IMEI, upstream order id` pair; `line` is where it was in the pasted text. */
export const resolvePairSchema = z.object({
  imei: z
    .string()
    .trim()
    .regex(/^\d{14,17}$/, "must be an IMEI (14 to 17 digits)"),
  upstreamOrderId: upstreamOrderIdSchema,
  line: z.number().int().min(1).optional(),
});
export type ResolvePair = z.infer<typeof resolvePairSchema>;

/**
 * POST /api/v1/orders/resolve-bulk: one decision for many uncertain orders. `placed` takes the pairs a
 * person pasted from the site's export instead of order ids: each is matched to the person's uncertain
 * order for that IMEI and verified with the upstream.
 */
export const bulkResolveSchema = z.discriminatedUnion("action", [
  z
    .object({
      action: z.enum(["write_off", "not_placed"]),
      orderIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_BULK_RESOLVE),
      note: z.string().max(500).optional(),
    })
    .strict(),
  z
    .object({
      action: z.literal("placed"),
      pairs: z.array(resolvePairSchema).min(1).max(MAX_BULK_RESOLVE),
    })
    .strict(),
]);
export type BulkResolveRequest = z.infer<typeof bulkResolveSchema>;

/** What happened to one order (or one pasted line) of a bulk decision. */
export const bulkResolveOutcomeSchema = z.object({
  /** The order decided, or asked about; null for a pasted line that matched none. */
  orderId: z.string().nullable(),
  imei: z.string().nullable(),
  /** The pasted line (action `placed`). */
  line: z.number().int().nullable(),
  upstreamOrderId: z.string().nullable(),
  outcome: z.enum(["resolved", "refused"]),
  /** Why it was refused (an error code of the one error model, and a sentence). */
  code: z.enum(ERROR_CODES).nullable(),
  message: z.string().nullable(),
});
export type BulkResolveOutcome = z.infer<typeof bulkResolveOutcomeSchema>;

export const bulkResolveResultSchema = z.object({
  action: z.enum(["placed", "not_placed", "write_off"]),
  resolved: z.number().int(),
  refused: z.number().int(),
  results: z.array(bulkResolveOutcomeSchema),
});
export type BulkResolveResult = z.infer<typeof bulkResolveResultSchema>;

/** POST /api/v1/orders/sync: which placed orders to ask about now (all unfinished ones when empty). */
export const syncOrdersSchema = z
  .object({
    batchId: z.string().min(1).optional(),
    orderIds: z.array(z.string().min(1)).max(20_000).optional(),
  })
  .strict();
export type SyncFilter = z.infer<typeof syncOrdersSchema>;

/** The answer to POST /api/v1/orders/sync. */
export const syncResultSchema = z.object({
  checked: z.number().int(),
  completed: z.number().int(),
  rejected: z.number().int(),
  stillOpen: z.number().int(),
  missing: z.number().int(),
});
export type SyncResult = z.infer<typeof syncResultSchema>;

/** Order.result: what the result parser made of the upstream's `code` (read by lib/orders/result.ts). */
export const orderResultSchema = parsedResultSchema;
export { RESULT_FIELDS, type ResultField } from "@/lib/gsmfusion/result-schema";
export type OrderResult = z.infer<typeof orderResultSchema>;

const orderStateSchema = z.enum(ORDER_STATES);
const timestamp = z.iso.datetime();

/** One order as the API shows it (GET /api/v1/orders). */
export const apiOrderSchema = z.object({
  id: z.string(),
  batchId: z.string(),
  imei: z.string(),
  line: z.number().int(),
  serviceId: z.string(),
  state: orderStateSchema,
  upstreamOrderId: z.string().nullable(),
  upstreamStatus: z.string().nullable(),
  /** The upstream's result text as received (HTML included); `result.text` is the clean version. */
  code: z.string().nullable(),
  result: orderResultSchema.nullable(),
  placedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  createdAt: timestamp,
  price: decimalAmountSchema,
  overdue: z.boolean(),
  errorKind: z.string().nullable(),
  errorMessage: z.string().nullable(),
  /**
   * An `uncertain` order the automatic settlement left for a person: why it could not decide (null while
   * it is still settling it, or for any other state).
   */
  settleNote: z.string().nullable(),
  /** A `skipped` repeat: the earlier order (same IMEI and service) whose result it reuses. */
  reusedFromId: z.string().nullable(),
});
export type ApiOrder = z.infer<typeof apiOrderSchema>;

export const ordersPageSchema = z.object({
  orders: z.array(apiOrderSchema),
  /** How many orders match the filter in all (every page). */
  total: z.number().int(),
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: z.string().nullable(),
  /** Pass as `before` for the previous page; null on the first. */
  prevCursor: z.string().nullable(),
  /**
   * With an `imei` list: the listed IMEIs (normalised, each once, in the list's order) that no order
   * matching every other filter holds among the orders the caller may see; absent without a list.
   */
  notFound: z.array(z.string()).optional(),
});
export type OrdersPage = z.infer<typeof ordersPageSchema>;

export const orderEventSchema = z.object({
  from: orderStateSchema.nullable(),
  to: orderStateSchema,
  /** Who made the change, machine-readable: `user:<id>`, `worker:<id>` or `system`. */
  actor: z.string().nullable(),
  /** Who made the change, for people: a user's name, "order engine" or "system". */
  actorName: z.string().nullable(),
  reason: z.string().nullable(),
  at: timestamp,
});

/** GET /api/v1/orders/{id} (also the answer to resolve): the order with its state history. */
export const orderDetailSchema = apiOrderSchema.extend({
  serviceTitle: z.string(),
  /** The batch's name as the operator gave it (the file's name, or what they typed). */
  batchSourceName: z.string(),
  attempts: z.number().int(),
  /** Status checks so far, the last one, and when the next is due (null once the order is final). */
  checkCount: z.number().int(),
  lastCheckedAt: timestamp.nullable(),
  nextCheckAt: timestamp.nullable(),
  events: z.array(orderEventSchema),
  /**
   * For a `skipped` repeat: the earlier order whose answer it reuses (same IMEI and service, maybe another
   * operator's). `id` is null when the viewer may not open that order; its answer is shown all the same.
   */
  reusedFrom: z
    .object({
      id: z.string().nullable(),
      upstreamOrderId: z.string().nullable(),
      upstreamStatus: z.string().nullable(),
      state: z.enum(ORDER_STATES),
      code: z.string().nullable(),
      result: orderResultSchema.nullable(),
      placedAt: timestamp.nullable(),
    })
    .nullable(),
});
export type OrderDetail = z.infer<typeof orderDetailSchema>;
