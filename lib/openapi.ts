/**
 * The HTTP API v1 described as an OpenAPI 3.1 document (served at GET /api/v1/openapi.json). Every shape
 * is converted with `z.toJSONSchema` from the zod schemas the handlers parse with and the browser reads
 * answers with (lib/<domain>/schemas.ts, lib/errors.ts); this file adds only what a schema cannot say:
 * paths, methods, auth, statuses. lib/openapi.test.ts fails when the route files and this list disagree.
 */
import { z } from "zod";
import { shopSettingsSchema } from "@/lib/admin/schemas";
import {
  apiTokenListSchema,
  apiTokenSchema,
  createdTokenSchema,
  createTokenSchema,
  meSchema,
  type Role,
} from "@/lib/auth/schemas";
import {
  BATCH_EVENTS,
  batchOrdersPageSchema,
  batchOrdersQuerySchema,
  batchProgressSchema,
  confirmBatchSchema,
  createDraftSchema,
  draftSummarySchema,
  priceChangedDetailsSchema,
  serviceRetiredDetailsSchema,
  type BatchEventName,
} from "@/lib/batches/schemas";
import {
  ERROR_STATUS,
  errorBodySchema,
  fieldIssueSchema,
  validationDetailsSchema,
  type ErrorCode,
} from "@/lib/errors";
import { EXPORT_COLUMNS, exportOptionsSchema } from "@/lib/orders/export";
import { RESULTS_COLUMNS } from "@/lib/batches/results";
import {
  apiOrderSchema,
  orderDetailSchema,
  orderEventSchema,
  orderFilterSchema,
  orderResultSchema,
  ordersPageSchema,
  resolveSchema,
  bulkResolveSchema,
  bulkResolveResultSchema,
  syncOrdersSchema,
  syncResultSchema,
} from "@/lib/orders/schemas";
import { apiServiceSchema, catalogueQuerySchema, servicesResponseSchema } from "@/lib/services/schemas";

/** A JSON Schema, or any other object of the document. */
export type JsonObject = Record<string, unknown>;
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A success body that is neither JSON nor an event stream, by media type (the CSV export). */
type Content = Record<string, { schema: JsonObject } & Record<`x-${string}`, unknown>>;

/** Server-sent events by name: what each means and the schema of its `data`. */
type EventStream = Record<string, { description: string; data: z.ZodType }>;

export type ApiOperation = {
  method: HttpMethod;
  /** The route's folder path with `[id]` written `{id}`. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** Only for routes made with `withoutAuth`; every other route takes a session cookie or a bearer token. */
  public?: true;
  /** The role `withAuth` requires, where it requires one (other users get a 403). */
  role?: Role;
  /** A description for each `{name}` in the path. */
  pathParams?: Record<string, string>;
  query?: { schema: z.ZodObject; descriptions?: Record<string, string> };
  headers?: { name: string; description: string; schema: JsonObject }[];
  body?: { schema: z.ZodType; required: boolean; description?: string };
  success: { status: number; description: string } & (
    { json: z.ZodType } | { events: EventStream } | { content: Content }
  );
  /** Errors the handler's lib code raises; 401, 403 (with a role) and 500 are added from the auth. */
  errors: ErrorCode[];
};

const TAGS = {
  account: "Who is calling, and their API tokens",
  services: "The GSM Fusion service catalogue, cached",
  batches: "Draft, price, confirm and follow a batch of IMEIs",
  orders: "The order history, one order, resolving uncertain orders, syncing results",
  admin: "The shop's settings (admins only)",
  meta: "This document",
} as const;
type Tag = keyof typeof TAGS;

/** Response shapes named in components.schemas; a response or another component refers to them by name. */
const COMPONENT_SCHEMAS: Record<string, z.ZodType> = {
  Error: errorBodySchema,
  FieldIssue: fieldIssueSchema,
  ValidationDetails: validationDetailsSchema,
  PriceChangedDetails: priceChangedDetailsSchema,
  ServiceRetiredDetails: serviceRetiredDetailsSchema,
  Me: meSchema,
  ApiToken: apiTokenSchema,
  ApiTokenList: apiTokenListSchema,
  CreatedApiToken: createdTokenSchema,
  Service: apiServiceSchema,
  ServiceList: servicesResponseSchema,
  DraftSummary: draftSummarySchema,
  BatchProgress: batchProgressSchema,
  OrderResult: orderResultSchema,
  OrderEvent: orderEventSchema,
  Order: apiOrderSchema,
  OrderDetail: orderDetailSchema,
  OrdersPage: ordersPageSchema,
  SyncResult: syncResultSchema,
  ShopSettings: shopSettingsSchema,
};

const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  bad_request: "The body is not JSON.",
  unauthorized: "No valid session cookie or bearer token (or the user is disabled).",
  forbidden:
    "Signed in, but this needs another role; or the object is another operator's, visible under the shop's `operatorsSeeAllOrders` setting, and only its owner or an admin may change it; or a request with the session cookie that did not come from this app's own pages.",
  not_found:
    "No such object, or one this user may not see (another operator's: an operator sees only their own unless the shop's `operatorsSeeAllOrders` setting is on).",
  conflict: "The object's current state does not allow this (see the message).",
  price_changed:
    "The service's price is not the one confirmed (it changed since the draft was priced). The draft now holds the new price and estimate (`details`); nothing was placed. Confirm again, with `unitPrice` set to the new price.",
  service_retired:
    "The upstream no longer offers the draft's service; nothing was placed. Start a new batch with another service.",
  payload_too_large: "More IMEIs than a batch holds.",
  unsupported_media_type: "A request with the session cookie whose body is not JSON.",
  validation_failed:
    "The input has the wrong shape or values; `details.issues` names each field (and line, for lists).",
  rate_limited: "Too many requests; wait the `Retry-After` seconds and try again.",
  spend_limit: "Confirming would pass the user's or the shop's daily spend limit.",
  upstream_unavailable: "The GSM Fusion site did not answer usefully; try again shortly.",
  internal: "Something went wrong on the server; it has been logged.",
};

const BATCH_EVENT_DESCRIPTIONS: Record<BatchEventName, string> = {
  progress: "The batch's progress, sent at once and whenever it changes; `id` counts up.",
  done: "The batch has settled (done or cancelled, nothing in flight): the last event, then the stream ends.",
  draft:
    "The batch is a draft: nothing changes until it is confirmed. The last event, then the stream ends; open it again after confirming.",
  error: "The stream stopped (the batch could not be read); poll GET /api/v1/batches/{id} instead.",
};
const batchEvents: EventStream = Object.fromEntries(
  (Object.keys(BATCH_EVENTS) as BatchEventName[]).map((event) => [
    event,
    { description: BATCH_EVENT_DESCRIPTIONS[event], data: BATCH_EVENTS[event] },
  ]),
);

const idParam = (what: string) => ({ id: `The ${what}'s id.` });

const orderFilterDescriptions = {
  imei: "A list of IMEIs separated by spaces, line breaks, commas or semicolons (at most 10,000: the app's server takes URLs of up to 256 KiB); exact matches. A value or part without a digit is a 422, never ignored. The answer's `notFound` names the listed IMEIs no order matching the other filters holds.",
  q: "One IMEI or any part of one: 4 to 17 digits (spaces and dashes dropped), matched anywhere in the IMEI. Fewer digits are a 422.",
  state: "Only orders in this state (default: every state but draft).",
  status: "The earlier name of `state`, still accepted.",
  upstreamStatus: "Only orders the upstream last reported in this status.",
  serviceId: "Only orders of this service.",
  batchId: "Only orders of this batch.",
  operator:
    "Only orders of this user (an id). It narrows what the caller may see, never widens it: an operator naming another operator gets no orders.",
  from: "Created on or after this calendar day in `tz` (2026-11-21), or at or after this ISO 8601 time.",
  to: "Created on or before this calendar day in `tz` (the whole day is included), or at or before this ISO 8601 time.",
  tz: "The IANA time zone `from` and `to` days are read in (default UTC).",
  overdue: "Only orders past (true) or within (false) their service's delivery time.",
  carrier:
    "The parsed result's carrier, compared ignoring case and surrounding spaces with the whole value (e.g. `AT&T USA`).",
  simLock: "The parsed result's SIM lock (e.g. `Locked`), compared like `carrier`.",
  fmi: "The parsed result's Find My iPhone status (e.g. `ON`), compared like `carrier`.",
  model: "The parsed result's model, compared like `carrier`.",
  sort: "`newest` (default) or `oldest` by creation time, or `imei` (ascending).",
  cursor: "`nextCursor` of the previous answer: the page after it.",
  before: "`prevCursor` of the previous answer: the page before it.",
  limit: "Orders per page.",
};

const exportQueryExtras = exportOptionsSchema.shape;
const exportQueryDescriptions = {
  layout:
    "`standard`: the site's Advanced Export columns; `extended`: also batch, line, operator, the full result and every timestamp.",
  tz: "The IANA time zone `from`/`to` days are read in and dates are written in (e.g. Europe/Berlin); default: the `tz` cookie, else UTC.",
};

export const OPERATIONS: ApiOperation[] = [
  {
    method: "GET",
    path: "/api/v1/me",
    operationId: "getMe",
    tag: "account",
    summary: "The signed-in user (session or bearer token)",
    success: { status: 200, description: "The user.", json: meSchema },
    errors: [],
  },
  {
    method: "GET",
    path: "/api/v1/tokens",
    operationId: "listApiTokens",
    tag: "account",
    summary: "The caller's API tokens (an admin's list holds everyone's)",
    description:
      "Newest first, with their status, expiry and last use; never the secret. Revoked and expired tokens stay listed.",
    success: { status: 200, description: "The tokens.", json: apiTokenListSchema },
    errors: [],
  },
  {
    method: "POST",
    path: "/api/v1/tokens",
    operationId: "createApiToken",
    tag: "account",
    summary: "Make an API token for the caller; the secret is in this answer only",
    description:
      "Only with the session cookie (a signed-in person): a request authenticated by another token is a 403. Without `expiresInDays` the token does not expire.",
    body: { schema: createTokenSchema, required: true },
    success: { status: 201, description: "The token, with its secret.", json: createdTokenSchema },
    errors: ["bad_request", "forbidden", "validation_failed"],
  },
  {
    method: "DELETE",
    path: "/api/v1/tokens/{id}",
    operationId: "revokeApiToken",
    tag: "account",
    summary: "Revoke an API token (one's own; an admin, anyone's)",
    description:
      "From then on the token is a 401. Revoking twice answers the same token. Another user's token is a 404.",
    pathParams: idParam("API token"),
    success: { status: 200, description: "The revoked token.", json: apiTokenSchema },
    errors: ["not_found"],
  },
  {
    method: "GET",
    path: "/api/v1/services",
    operationId: "listServices",
    tag: "services",
    summary: "The cached service catalogue",
    description:
      "Refreshed from the upstream in the background. A catalogue that was never loaded because the upstream is down is a 503, not an empty list.",
    query: {
      schema: catalogueQuerySchema,
      descriptions: {
        q: "Words matched against title, category and id.",
        category: "One category, exactly.",
      },
    },
    success: { status: 200, description: "The active services.", json: servicesResponseSchema },
    errors: ["validation_failed", "upstream_unavailable"],
  },
  {
    method: "POST",
    path: "/api/v1/batches",
    operationId: "createDraftBatch",
    tag: "batches",
    summary: "Create a draft batch and price it (nothing is placed)",
    description:
      "Send either `imeis` (a list) or `csv` (a file's text: a header naming an IMEI column, or one IMEI a line), never both. Invalid lines, duplicates and IMEIs already ordered for the service are reported, not fatal; a draft with nothing to place is a 422. `priority` (0–10, higher runs first): operators may set at most 5. Confirm the draft to place its orders.",
    body: { schema: createDraftSchema, required: true },
    success: { status: 201, description: "The priced draft.", json: draftSummarySchema },
    errors: ["bad_request", "payload_too_large", "validation_failed"],
  },
  {
    method: "GET",
    path: "/api/v1/batches/{id}",
    operationId: "getBatch",
    tag: "batches",
    summary: "A batch's progress: counts by order state and cost",
    pathParams: idParam("batch"),
    success: { status: 200, description: "The progress.", json: batchProgressSchema },
    errors: ["not_found"],
  },
  {
    method: "POST",
    path: "/api/v1/batches/{id}/confirm",
    operationId: "confirmBatch",
    tag: "batches",
    summary: "Confirm a draft: queue its orders for placing",
    description:
      "The operator's consent to spend. The service's price is checked with the upstream (a catalogue older than a minute is refreshed first): a price other than the one agreed to (`unitPrice`, or the draft's) is a 409 `price_changed` that reprices the draft, a service no longer offered a 409 `service_retired`. Repeats (IMEIs already ordered for the service) are left out unless `reorderRepeats` is true. Confirming twice is harmless: the second answers the same progress. An empty body stands for `{}`.",
    pathParams: idParam("batch"),
    body: { schema: confirmBatchSchema, required: false },
    success: { status: 202, description: "Queued; the progress.", json: batchProgressSchema },
    errors: [
      "bad_request",
      "spend_limit",
      "forbidden",
      "not_found",
      "conflict",
      "price_changed",
      "service_retired",
      "validation_failed",
      "upstream_unavailable",
    ],
  },
  {
    method: "POST",
    path: "/api/v1/batches/{id}/cancel",
    operationId: "cancelBatch",
    tag: "batches",
    summary: "Cancel the orders not yet being placed",
    description:
      "Orders already sent to the upstream are not recalled. Only the batch's owner or an admin may cancel it.",
    pathParams: idParam("batch"),
    success: { status: 200, description: "The progress after cancelling.", json: batchProgressSchema },
    errors: ["forbidden", "not_found", "conflict"],
  },
  {
    method: "GET",
    path: "/api/v1/batches/{id}/events",
    operationId: "streamBatchEvents",
    tag: "batches",
    summary: "A batch's progress as server-sent events",
    description:
      "Starts with `retry: 2000`, then a `progress` event at once and whenever the progress changes, `: keep-alive` comments while nothing changes, and `done` once the batch has settled (or `draft` at once for an unconfirmed batch). The server ends any stream after 10 minutes; EventSource reconnects by itself, sending Last-Event-ID. Each event's `data` is one line of JSON (see `x-itemSchema`). An unknown id is a 404 before the stream opens; a user may hold 10 streams open at once (per app process), an 11th is a 429.",
    pathParams: idParam("batch"),
    headers: [
      {
        name: "Last-Event-ID",
        description: "Sent by EventSource on reconnect; event ids continue from it.",
        schema: { type: "string" },
      },
    ],
    success: { status: 200, description: "The event stream.", events: batchEvents },
    errors: ["not_found", "rate_limited"],
  },
  {
    method: "GET",
    path: "/api/v1/batches/{id}/orders",
    operationId: "listBatchOrders",
    tag: "batches",
    summary: "A batch's orders in upload order (or by IMEI or state), a page at a time",
    description:
      "Sorted by `sort` (`line`: upload order, the default; `imei`; `state`, upload order within). A `skipped` order (a repeat of an IMEI ordered before for the service, not placed) carries `reusedFrom`: the earlier order whose result it reuses. Whoever may see the batch may list it; another's batch is a 404.",
    pathParams: idParam("batch"),
    query: {
      schema: batchOrdersQuerySchema,
      descriptions: {
        state: "Only orders in this state.",
        sort: "`line` (upload order), `imei` or `state`.",
        dir: "`asc` (default) or `desc`.",
        page: "1-based page number.",
        limit: "Orders per page, 1–500 (default 100).",
      },
    },
    success: { status: 200, description: "One page of the batch's orders.", json: batchOrdersPageSchema },
    errors: ["not_found", "validation_failed"],
  },
  ...(["csv", "xlsx"] as const).map((format): ApiOperation => ({
    method: "GET",
    path: `/api/v1/batches/{id}/results.${format}`,
    operationId: format === "csv" ? "batchResultsCsv" : "batchResultsXlsx",
    tag: "batches",
    summary: `A batch's results, one row per uploaded line in upload order, as ${format === "csv" ? "CSV" : "an Excel workbook"}`,
    description:
      "The file to paste back beside the uploaded sheet: every non-blank uploaded line, in order, with its cell as uploaded, the normalised IMEI, the order's state, upstream status, result text and parsed fields, the price and the upstream order id. " +
      "A line repeating an earlier line of the file carries that line's result (NOTE `same as line N`, price 0); an IMEI skipped as ordered before carries the earlier order's result (NOTE `ordered before on DATE — result reused`, price 0); an invalid line has the reason in NOTE and no price. " +
      "Works for drafts and running batches (what is known so far). Whoever may see the batch may download it; another's batch is a 404. Each download is audited. " +
      "The date in a NOTE is the day in the `tz` query parameter's IANA zone (else the `tz` cookie, else UTC).",
    pathParams: idParam("batch"),
    success: {
      status: 200,
      description:
        format === "csv"
          ? "A CSV file (an attachment): UTF-8 with a byte-order mark, RFC 4180, prices as plain numbers."
          : "An XLSX workbook (an attachment): IMEIs and ids as text, prices as numbers, a frozen header.",
      content: {
        [format === "csv" ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]:
          {
            schema: {
              type: "string",
              ...(format === "xlsx" ? { format: "binary" } : {}),
              description: `Columns: ${RESULTS_COLUMNS.map((c) => c.header).join(", ")}.`,
            },
          },
      },
    },
    errors: ["not_found"],
  })),
  {
    method: "GET",
    path: "/api/v1/orders",
    operationId: "listOrders",
    tag: "orders",
    summary: "The order history: filtered, sorted, paged both ways, with a total",
    description:
      "Only the orders the user may see: an operator's own (every operator's when the shop's `operatorsSeeAllOrders` setting is on), an admin's all. Every filter is ANDed. `total` counts every matching order; `nextCursor`/`prevCursor` page forward and back in the same sort.",
    query: { schema: orderFilterSchema, descriptions: orderFilterDescriptions },
    success: { status: 200, description: "One page of orders.", json: ordersPageSchema },
    errors: ["validation_failed"],
  },
  ...(["csv", "xlsx"] as const).map((format): ApiOperation => ({
    method: "GET",
    path: `/api/v1/orders/export.${format}`,
    operationId: format === "csv" ? "exportOrdersCsv" : "exportOrdersXlsx",
    tag: "orders",
    summary: `The filtered order history as ${format === "csv" ? "CSV" : "an Excel workbook"} (every page), streamed`,
    description:
      "Takes the filters of GET /api/v1/orders, without paging, and holds the orders the user may see, as that list does. " +
      "Dates are written as the wall-clock time of `tz` (else the `tz` cookie, else UTC). Each export is audited.",
    query: {
      schema: orderFilterSchema.omit({ cursor: true, before: true, limit: true }).extend(exportQueryExtras),
      descriptions: { ...orderFilterDescriptions, ...exportQueryDescriptions },
    },
    success: {
      status: 200,
      description:
        format === "csv"
          ? "A CSV file (an attachment): UTF-8 with a byte-order mark, RFC 4180, prices as plain numbers."
          : "An XLSX workbook (an attachment): IMEIs and ids as text, prices as numbers, dates as dates, a frozen header.",
      content: {
        [format === "csv" ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]:
          {
            schema: {
              type: "string",
              ...(format === "xlsx" ? { format: "binary" } : {}),
              description: `Columns (standard layout): ${EXPORT_COLUMNS.standard.map((c) => c.header).join(", ")}. Extended layout: ${EXPORT_COLUMNS.extended.map((c) => c.header).join(", ")}.`,
            },
          },
      },
    },
    errors: ["validation_failed"],
  })),
  {
    method: "GET",
    path: "/api/v1/orders/{id}",
    operationId: "getOrder",
    tag: "orders",
    summary: "One order with its state history",
    pathParams: idParam("order"),
    success: { status: 200, description: "The order.", json: orderDetailSchema },
    errors: ["not_found"],
  },
  {
    method: "POST",
    path: "/api/v1/orders/{id}/resolve",
    operationId: "resolveOrder",
    tag: "orders",
    summary: "Decide an uncertain order: placed (verified), not placed, or write off",
    description:
      "Only the order's owner or an admin decides; who may not is refused before the upstream is asked. `placed` is checked with the upstream first: the upstream order must exist and be for this IMEI (a 422 otherwise). `not_placed` queues the order again; `write_off` closes it.",
    pathParams: idParam("order"),
    body: { schema: resolveSchema, required: true },
    success: { status: 200, description: "The order after the decision.", json: orderDetailSchema },
    errors: [
      "bad_request",
      "forbidden",
      "not_found",
      "conflict",
      "validation_failed",
      "upstream_unavailable",
    ],
  },
  {
    method: "POST",
    path: "/api/v1/orders/resolve-bulk",
    operationId: "resolveOrdersInBulk",
    tag: "orders",
    summary:
      "Decide many uncertain orders at once: write off, queue again, or link pasted (IMEI, order id) pairs",
    description:
      "Up to 1,000 orders (or pairs) per call. `write_off` and `not_placed` take `orderIds`; `placed` takes `pairs` (as copied from the site's export, with their line numbers), each matched to the caller's uncertain order for that IMEI and verified with `getimeis` (ids asked 100 per call). Each order is decided and audited on its own, exactly as `POST /api/v1/orders/{id}/resolve` does; the answer lists each order or line as `resolved` or `refused` with the reason. An order the caller may not decide (another operator's, even when visible under the shop setting) is refused exactly like an unknown id.",
    body: { schema: bulkResolveSchema, required: true },
    success: {
      status: 200,
      description: "What happened to each order or pasted line.",
      json: bulkResolveResultSchema,
    },
    errors: ["bad_request", "validation_failed"],
  },
  {
    method: "POST",
    path: "/api/v1/orders/sync",
    operationId: "syncOrders",
    tag: "orders",
    summary: "Ask the upstream about unfinished placed orders now",
    description:
      "Every unfinished placed order the user may see (up to 20,000), or those of `batchId` / `orderIds`; others' orders are left out as if they did not exist. A request while a sync of the same orders runs joins it (the same answer, no second round of upstream calls). Each user may start one sync per 10 s: sooner is a 429 with `Retry-After`. An empty body stands for `{}`.",
    body: { schema: syncOrdersSchema, required: false },
    success: { status: 200, description: "What the upstream said.", json: syncResultSchema },
    errors: ["bad_request", "validation_failed", "rate_limited"],
  },
  {
    method: "GET",
    path: "/api/v1/settings",
    operationId: "getShopSettings",
    tag: "admin",
    summary: "The shop's settings",
    role: "admin",
    success: { status: 200, description: "The settings now stored.", json: shopSettingsSchema },
    errors: [],
  },
  {
    method: "PUT",
    path: "/api/v1/settings",
    operationId: "updateShopSettings",
    tag: "admin",
    summary: "Change the shop's settings",
    description:
      "Every setting, as it should be. `operatorsSeeAllOrders` lets operators see (not change) every operator's batches, orders, exports and spend. Takes effect on the next request in every process; each changed value is audited (`settings.update`).",
    role: "admin",
    body: { schema: shopSettingsSchema, required: true },
    success: { status: 200, description: "The settings now stored.", json: shopSettingsSchema },
    errors: ["bad_request", "validation_failed"],
  },
  {
    method: "GET",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    tag: "meta",
    summary: "This OpenAPI 3.1 document",
    success: {
      status: 200,
      description: "The document.",
      content: { "application/json": { schema: { type: "object" } } },
    },
    errors: [],
  },
];

const componentRef = (name: string) => `#/components/schemas/${name}`;

/**
 * Drops the noise zod adds: the datetime regex beside `format`, and JavaScript's safe-integer bounds.
 * Answers also lose `additionalProperties: false`: the server may add a field, and a client must not
 * break on it (requests keep it: the server refuses unknown fields).
 */
function tidyOutput(ctx: { zodSchema: unknown; jsonSchema: JsonObject }): void {
  tidy(ctx);
  if (ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
}

function tidy({ zodSchema, jsonSchema }: { zodSchema: unknown; jsonSchema: JsonObject }): void {
  if (jsonSchema.format === "date-time") delete jsonSchema.pattern;
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  // A description given with .describe() lives in zod's global registry, which a custom registry hides.
  const description = z.globalRegistry.get(zodSchema as z.ZodType)?.description;
  if (description && jsonSchema.description === undefined) jsonSchema.description = description;
}

type ComponentRegistry = z.core.$ZodRegistry<{ id: string }>;

function createComponentRegistry(): ComponentRegistry {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) registry.add(schema, { id });
  return registry;
}

function convertComponents(registry: ComponentRegistry): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io: "output",
    uri: componentRef,
    override: tidyOutput,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
}

/** A request shape (body, query): what the caller sends, before transforms and defaults. */
function toInputSchema(schema: z.ZodType): JsonObject {
  const { $schema: _schema, ...json } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    override: tidy,
  });
  return json;
}

/** A response shape: a named component by reference, anything else inline with references to components. */
function toOutputSchema(schema: z.ZodType, registry: ComponentRegistry): JsonObject {
  const id = registry.get(schema)?.id;
  if (id) return { $ref: componentRef(id) };
  const {
    $schema: _schema,
    $defs,
    ...json
  } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "output",
    metadata: registry,
    override: tidyOutput,
  });
  // Single-schema conversion puts the registered schemas it meets in $defs; they are components already.
  for (const key of Object.keys($defs ?? {})) {
    if (!(key in COMPONENT_SCHEMAS)) throw new Error(`openapi: unexpected $defs entry ${key}`);
  }
  return JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonObject;
}

/**
 * OpenAPI 3.1 has no word for an event stream's events; this follows OpenAPI 3.2's `itemSchema` (one
 * object per event, its `data` JSON text of a schema) under an extension name.
 */
function toEventStreamContent(events: EventStream, registry: ComponentRegistry): Content {
  return {
    "text/event-stream": {
      schema: { type: "string", description: "Server-sent events; see x-itemSchema for each event." },
      "x-itemSchema": {
        oneOf: Object.entries(events).map(([event, { description, data }]) => ({
          type: "object",
          description,
          properties: {
            event: { const: event },
            id: { type: "string" },
            data: {
              type: "string",
              contentMediaType: "application/json",
              contentSchema: toOutputSchema(data, registry),
            },
          },
          required: ["event", "data"],
        })),
      },
    },
  };
}

/** The details component each error code narrows `details` to, where it has one. */
const ERROR_DETAILS: Partial<Record<ErrorCode, string>> = {
  validation_failed: "ValidationDetails",
  price_changed: "PriceChangedDetails",
  service_retired: "ServiceRetiredDetails",
};

/** The shared Error schema narrowed to one code (and to that code's details). */
function errorSchemaOf(code: ErrorCode): JsonObject {
  const detailsRef = ERROR_DETAILS[code];
  const details = detailsRef ? { details: { $ref: componentRef(detailsRef) } } : {};
  const narrowed = { properties: { error: { properties: { code: { const: code }, ...details } } } };
  return { allOf: [{ $ref: componentRef("Error") }, narrowed] };
}

/** One response per error code, its schema the shared Error narrowed to that code (and to its details). */
function errorResponses(): Record<string, JsonObject> {
  return Object.fromEntries(
    (Object.keys(ERROR_STATUS) as ErrorCode[]).map((code) => [
      code,
      {
        description: `${ERROR_DESCRIPTIONS[code]} (\`${code}\`)`,
        content: { "application/json": { schema: errorSchemaOf(code) } },
      },
    ]),
  );
}

/**
 * An operation's answer for one error status: the code's shared response, or, where several codes share
 * the status (409), one of their schemas.
 */
function errorResponseFor(codes: ErrorCode[]): JsonObject {
  if (codes.length === 1) return { $ref: `#/components/responses/${codes[0]}` };
  return {
    description: codes.map((code) => `${ERROR_DESCRIPTIONS[code]} (\`${code}\`)`).join(" Or: "),
    content: { "application/json": { schema: { oneOf: codes.map(errorSchemaOf) } } },
  };
}

function pathParamsOf(op: ApiOperation): JsonObject[] {
  return [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
    ...(op.pathParams?.[name!] ? { description: op.pathParams[name!] } : {}),
  }));
}

function queryParamsOf(op: ApiOperation): JsonObject[] {
  if (!op.query) return [];
  const { properties = {}, required = [] } = toInputSchema(op.query.schema) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: "query",
    required: required.includes(name),
    schema,
    ...(op.query?.descriptions?.[name] ? { description: op.query.descriptions[name] } : {}),
  }));
}

function toOperationObject(op: ApiOperation, registry: ComponentRegistry): JsonObject {
  // A state-changing request with the session cookie must come from this app's pages, with a JSON body.
  const cookieChecks = !op.public && op.method !== "GET";
  const errorCodes: ErrorCode[] = [
    ...(op.public ? [] : (["unauthorized"] as const)),
    ...(cookieChecks ? (["forbidden", "unsupported_media_type"] as const) : []),
    ...(op.role ? (["forbidden"] as const) : []),
    ...op.errors,
    "internal",
  ];
  const byStatus = [...new Set(errorCodes)].sort((a, b) => ERROR_STATUS[a] - ERROR_STATUS[b]);
  const success =
    "json" in op.success
      ? { "application/json": { schema: toOutputSchema(op.success.json, registry) } }
      : "events" in op.success
        ? toEventStreamContent(op.success.events, registry)
        : op.success.content;
  const roleNote = op.role ? `Needs the ${op.role} role.` : undefined;
  const description = [op.description, roleNote].filter(Boolean).join("\n\n");
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(description ? { description } : {}),
    ...(op.public ? { security: [] } : {}),
    ...(op.role ? { "x-required-role": op.role } : {}),
    parameters: [
      ...pathParamsOf(op),
      ...queryParamsOf(op),
      ...(op.headers ?? []).map((h) => ({ ...h, in: "header", required: false })),
    ],
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required,
            ...(op.body.description ? { description: op.body.description } : {}),
            content: { "application/json": { schema: toInputSchema(op.body.schema) } },
          },
        }
      : {}),
    responses: {
      [op.success.status]: { description: op.success.description, content: success },
      ...Object.fromEntries(
        [...new Set(byStatus.map((code) => ERROR_STATUS[code]))].map((status) => [
          status,
          errorResponseFor(byStatus.filter((code) => ERROR_STATUS[code] === status)),
        ]),
      ),
    },
  };
}

/** The whole document; pure, built from the schemas each time it is asked for. */
export function buildOpenApiDocument(): JsonObject {
  const registry = createComponentRegistry();
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const op of OPERATIONS) {
    paths[op.path] ??= {};
    paths[op.path]![op.method.toLowerCase()] = toOperationObject(op, registry);
  }
  const errorTable = (Object.entries(ERROR_STATUS) as [ErrorCode, number][])
    .map(([code, status]) => `\`${code}\` ${status}`)
    .join(", ");
  const components = convertComponents(registry);
  components.Error = {
    ...components.Error,
    description: `Every error answer: { error: { code, message, details? } }; \`message\` is safe to show. Each code has one status: ${errorTable}.`,
  };
  return {
    openapi: "3.1.1",
    info: {
      title: "IMEI Desk API",
      version: "1",
      description:
        "Bulk IMEI checks and unlocks: create a draft batch from IMEIs or a CSV, confirm it, follow its progress, read the results. Authenticate with the browser's session cookie or `Authorization: Bearer imd_…` (create a token with `npm run token:create -- --email E`, or POST /api/v1/tokens while signed in). With the session cookie, a POST, PUT, PATCH or DELETE must come from the app's own origin (`Origin`, or `Sec-Fetch-Site: same-origin`) and send JSON.",
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    security: [{ sessionCookie: [] }, { bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description:
            "The session after signing in at /login (`__Secure-next-auth.session-token` over HTTPS). The role is read from the user on each request.",
        },
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "imd_…",
          description:
            "A personal API token, `imd_` and 43 more characters, from `npm run token:create -- --email E [--expires-in-days N]` or POST /api/v1/tokens; it acts as its user, with that user's role, until it expires or is revoked. Sent with a cookie, the token wins.",
        },
      },
      schemas: components,
      responses: errorResponses(),
    },
  };
}
