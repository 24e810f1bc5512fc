/**
 * The browser's side of the HTTP API v1. Every answer is parsed with the same zod schemas the server's
 * types come from (lib/<domain>/schemas.ts) before the UI uses it, and every failure becomes an `ApiError`
 * carrying the server's error code, message and field issues, so the UI can say what went wrong and where.
 */
import type { z } from "zod";
import { shopSettingsSchema, type ShopSettings } from "@/lib/admin/schemas";
import {
  batchOrdersPageSchema,
  batchProgressSchema,
  draftSummarySchema,
  type BatchOrderSort,
  priceChangedDetailsSchema,
  type CreateDraftInput,
  type PriceChangedDetails,
} from "@/lib/batches/schemas";
import { errorBodySchema, validationDetailsSchema, type FieldIssue } from "@/lib/errors";
import {
  bulkResolveResultSchema,
  orderDetailSchema,
  syncResultSchema,
  type BulkResolveRequest,
  type ResolveAction,
  type SyncFilter,
} from "@/lib/orders/schemas";
import type { OrderState } from "@/lib/orders/states";
import { servicesResponseSchema } from "@/lib/services/schemas";

/**
 * A failed API call. `status` 0 means the server could not be reached. `details` is the error's own
 * (parse it with the code's schema); `retryAfterSeconds` comes from a 429's Retry-After.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

async function request<S extends z.ZodType>(
  path: string,
  schema: S,
  init?: { method: string; body?: unknown },
): Promise<z.infer<S>> {
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
    const details = validationDetailsSchema.safeParse(body.data.error.details);
    const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
    throw new ApiError(
      response.status,
      body.data.error.code,
      body.data.error.message,
      details.success ? details.data.issues : [],
      body.data.error.details,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
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
  return parsed.data;
}

const enc = encodeURIComponent;

export function listServices() {
  return request("/api/v1/services", servicesResponseSchema);
}

/** Creates a priced draft. Nothing is placed or charged until `confirmBatch`. */
export function createBatch(body: CreateDraftInput) {
  return request("/api/v1/batches", draftSummarySchema, { method: "POST", body });
}

/**
 * Confirms a draft at the price per IMEI the operator was shown: its orders are queued and will be placed
 * (billable). Another current price is refused with `price_changed` (see `readPriceChange`).
 */
export function confirmBatch(id: string, reorderRepeats: boolean, unitPrice: string) {
  return request(`/api/v1/batches/${enc(id)}/confirm`, batchProgressSchema, {
    method: "POST",
    body: { reorderRepeats, unitPrice },
  });
}

/** The new price and totals of a confirm refused because the price changed; null for any other error. */
export function readPriceChange(error: unknown): PriceChangedDetails | null {
  if (!(error instanceof ApiError) || error.code !== "price_changed") return null;
  const details = priceChangedDetailsSchema.safeParse(error.details);
  return details.success ? details.data : null;
}

export function cancelBatch(id: string) {
  return request(`/api/v1/batches/${enc(id)}/cancel`, batchProgressSchema, { method: "POST", body: {} });
}

export function getBatchProgress(id: string) {
  return request(`/api/v1/batches/${enc(id)}`, batchProgressSchema);
}

/** The URL of a batch's progress events (parse each with `parseBatchEvent`). */
export function batchEventsUrl(id: string): string {
  return `/api/v1/batches/${enc(id)}/events`;
}

/** One page of a batch's orders, in upload order unless sorted by IMEI or state. */
export function listBatchOrders(filter: {
  batchId: string;
  state?: OrderState;
  sort?: BatchOrderSort;
  dir?: "asc" | "desc";
  page?: number;
  limit?: number;
}) {
  const params = new URLSearchParams({
    sort: filter.sort ?? "line",
    dir: filter.dir ?? "asc",
    page: String(filter.page ?? 1),
    limit: String(filter.limit ?? 100),
  });
  if (filter.state) params.set("state", filter.state);
  return request(`/api/v1/batches/${enc(filter.batchId)}/orders?${params}`, batchOrdersPageSchema);
}

/** Settles an uncertain order by a person's decision; "not_placed" queues it to be placed again (billable). */
export function resolveOrder(id: string, resolution: ResolveAction) {
  return request(`/api/v1/orders/${enc(id)}/resolve`, orderDetailSchema, {
    method: "POST",
    body: resolution,
  });
}

/** One decision for many uncertain orders; the answer says, per order or pasted line, what happened. */
export function resolveOrdersInBulk(decision: BulkResolveRequest) {
  return request("/api/v1/orders/resolve-bulk", bulkResolveResultSchema, { method: "POST", body: decision });
}

/** "Sync now": asks the upstream about unfinished placed orders (of one batch, or all) at once. */
export function syncOrders(filter: SyncFilter = {}) {
  return request("/api/v1/orders/sync", syncResultSchema, { method: "POST", body: filter });
}

/** Stores the shop's settings (admins only); the answer is what is stored now. */
export function updateShopSettings(settings: ShopSettings) {
  return request("/api/v1/settings", shopSettingsSchema, { method: "PUT", body: settings });
}
