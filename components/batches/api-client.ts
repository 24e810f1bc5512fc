/**
 * The batch pages' side of the HTTP API (DESIGN.md "Public HTTP API"). Every answer is checked with zod
 * before the UI uses it (STYLE.md 4), and every failure becomes an `ApiError` carrying the server's error
 * code, message and field issues, so the UI can say what went wrong and where.
 */
import { z } from "zod";
import { ORDER_STATES, type OrderState } from "@/lib/orders/states";

// Ids and upstream order ids are strings; numbers are accepted so a change of column type does not
// break the page.
const idSchema = z.union([z.string(), z.number()]).transform(String);
const moneySchema = z.string().regex(/^-?\d+(\.\d+)?$/, "a decimal amount");
const dateSchema = z.string().nullable().optional();

export const serviceSchema = z.object({
  id: idSchema,
  title: z.string(),
  category: z.string(),
  price: moneySchema,
  deliveryTime: z.string(),
});
export type Service = z.infer<typeof serviceSchema>;
export const servicesResponseSchema = z.object({ services: z.array(serviceSchema) });

export const batchDraftSchema = z.object({
  id: idSchema,
  status: z.string(),
  service: z.object({ id: idSchema, title: z.string() }),
  sourceName: z.string().nullable().optional(),
  total: z.number().int(),
  toSubmit: z.number().int(),
  toSubmitWithRepeats: z.number().int(),
  invalid: z.array(z.object({ line: z.number().int(), value: z.string(), reason: z.string() })),
  duplicatesInBatch: z.number().int(),
  alreadyOrdered: z.array(
    z.object({
      imei: z.string(),
      orderId: idSchema,
      state: z.string(),
      line: z.number().int().nullable().optional(),
    }),
  ),
  unitPrice: moneySchema,
  estimatedCost: moneySchema,
  estimatedCostWithRepeats: moneySchema,
});
export type BatchDraft = z.infer<typeof batchDraftSchema>;

export const BATCH_COUNT_KEYS = ORDER_STATES.filter((s): s is Exclude<OrderState, "draft"> => s !== "draft");
export type CountKey = Exclude<OrderState, "draft">;

export const batchStatusSchema = z.enum(["draft", "queued", "running", "done", "cancelled"]);
export type BatchStatus = z.infer<typeof batchStatusSchema>;

export const batchProgressSchema = z.object({
  id: idSchema,
  status: batchStatusSchema,
  service: z.object({ id: idSchema, title: z.string() }),
  sourceName: z.string().nullable().optional(),
  total: z.number().int(),
  counts: z.object(
    Object.fromEntries(BATCH_COUNT_KEYS.map((k) => [k, z.number().int().default(0)])) as Record<
      CountKey,
      z.ZodDefault<z.ZodNumber>
    >,
  ),
  cost: z.object({ estimated: moneySchema, placed: moneySchema }),
  createdAt: dateSchema,
  confirmedAt: dateSchema,
  finishedAt: dateSchema,
});
export type BatchProgress = z.infer<typeof batchProgressSchema>;

export const orderSchema = z.object({
  id: idSchema,
  imei: z.string(),
  serviceId: idSchema,
  state: z.string(),
  upstreamOrderId: idSchema.nullable().optional(),
  upstreamStatus: z.string().nullable().optional(),
  code: z.string().nullable().optional(),
  result: z.unknown().optional(),
  placedAt: dateSchema,
  price: moneySchema.nullable().optional(),
  errorMessage: z.string().nullable().optional(),
  line: z.number().int().nullable().optional(),
});
export type Order = z.infer<typeof orderSchema>;
export const ordersPageSchema = z.object({
  orders: z.array(orderSchema),
  nextCursor: z.string().nullable().optional(),
});
export type OrdersPage = z.infer<typeof ordersPageSchema>;

const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
const issuesSchema = z.object({
  issues: z.array(
    z.object({ field: z.string().optional(), message: z.string(), line: z.number().optional() }),
  ),
});
export type ApiIssue = z.infer<typeof issuesSchema>["issues"][number];

/** A failed API call. `status` 0 means the server could not be reached. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }
}

async function request<S extends z.ZodType>(
  path: string,
  schema: S,
  init?: { method: string; body?: unknown },
) {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init?.method ?? "GET",
      headers: {
        accept: "application/json",
        ...(init?.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(
      0,
      "network",
      "IMEI Desk could not be reached. Check your connection, then try again.",
    );
  }
  let json: unknown = undefined;
  try {
    json = await response.json();
  } catch {
    // not JSON (a proxy's error page, say); handled below
  }
  if (!response.ok) {
    const body = errorBodySchema.safeParse(json);
    if (!body.success) {
      throw new ApiError(
        response.status,
        `http_${response.status}`,
        `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}. Try again in a moment.`,
      );
    }
    const issues = issuesSchema.safeParse(body.data.error.details);
    throw new ApiError(
      response.status,
      body.data.error.code,
      body.data.error.message,
      issues.success ? issues.data.issues : [],
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      "bad_response",
      `The server's answer to ${path.split("?")[0]} was not in the expected shape. Reload the page; if it happens again, report it.`,
    );
  }
  return parsed.data as z.infer<S>;
}

const enc = encodeURIComponent;

export function listServices() {
  return request("/api/v1/services", servicesResponseSchema);
}

/** Creates a priced draft. Nothing is placed or charged until `confirmBatch`. */
export function createBatch(body: { serviceId: string; csv: string; name: string }) {
  return request("/api/v1/batches", batchDraftSchema, { method: "POST", body });
}

/** Confirms a draft: its orders are queued and will be placed (billable). */
export function confirmBatch(id: string, reorderRepeats: boolean) {
  return request(`/api/v1/batches/${enc(id)}/confirm`, batchProgressSchema, {
    method: "POST",
    body: { reorderRepeats },
  });
}

export function cancelBatch(id: string) {
  return request(`/api/v1/batches/${enc(id)}/cancel`, batchProgressSchema, { method: "POST", body: {} });
}

export function getBatchProgress(id: string) {
  return request(`/api/v1/batches/${enc(id)}`, batchProgressSchema);
}

export function listBatchOrders(filter: {
  batchId: string;
  state?: string;
  cursor?: string;
  limit?: number;
}) {
  const params = new URLSearchParams({ batchId: filter.batchId, limit: String(filter.limit ?? 100) });
  if (filter.state) params.set("status", filter.state);
  if (filter.cursor) params.set("cursor", filter.cursor);
  return request(`/api/v1/orders?${params}`, ordersPageSchema);
}

export type Resolution =
  { action: "placed"; upstreamOrderId: string } | { action: "not_placed" } | { action: "write_off" };

/** Settles an uncertain order by a person's decision; "not_placed" queues it to be placed again (billable). */
export function resolveOrder(id: string, resolution: Resolution) {
  return request(`/api/v1/orders/${enc(id)}/resolve`, z.unknown(), { method: "POST", body: resolution });
}
