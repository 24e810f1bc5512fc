/**
 * The order history as a file, as a person asks for it: CSV or XLSX, in the site's "Advanced Export"
 * column order (`standard`) or with where each order came from and when things happened (`extended`).
 * Every export is audited before a row leaves.
 */
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/admin/audit";
import { coversEveryOwner, ownerScopeFor, type OwnerScope } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import type { Db } from "@/lib/db";
import type { ExportColumn } from "@/lib/export/columns";
import { exportResponse, type ExportFormat } from "@/lib/export/response";
import type { HandlerContext } from "@/lib/api";
import { requestTimeZone } from "@/lib/viewer-time-zone";
import { readOrderPage, type UnpagedFilter } from "./queries";
import { readOrderResult } from "./result";
import { orderFilterSchema, type OrderFilter, type OrderResult } from "./schemas";

export const EXPORT_LAYOUTS = ["standard", "extended"] as const;
export type ExportLayout = (typeof EXPORT_LAYOUTS)[number];

/** The export's own query parameters, beside the history filter. */
export const exportOptionsSchema = z.object({
  layout: z.enum(EXPORT_LAYOUTS, { message: "must be standard or extended" }).default("standard"),
});

// Orders per page: a page of ids stays within Prisma's 999 bound values on SQLite.
const EXPORT_PAGE = 500;

type OrderRow = Awaited<ReturnType<typeof readOrderPage>>[number];

/** An order with what the columns need besides it, looked up once per page. */
export type ExportRow = {
  order: OrderRow;
  result: OrderResult | null;
  serviceTitle: string;
  batchName: string;
  batchCreatedAt: Date | null;
  ownerName: string;
};

/** The site's "Advanced Export" columns, in its order, then our upstream id and state. */
const STANDARD_COLUMNS: ExportColumn<ExportRow>[] = [
  { header: "SERVICE", kind: "text", value: (r) => r.serviceTitle },
  { header: "IMEI NO.", kind: "text", value: (r) => r.order.imei },
  { header: "CREDITS", kind: "money", value: (r) => r.order.priceMicros },
  { header: "STATUS", kind: "text", value: (r) => r.order.upstreamStatus ?? r.order.state },
  { header: "CODE", kind: "text", value: (r) => r.result?.text.split("\n").join(" - ") },
  { header: "IMEI 2", kind: "text", value: (r) => r.result?.imei2 },
  { header: "CARRIER", kind: "text", value: (r) => r.result?.carrier },
  { header: "SIMLOCK", kind: "text", value: (r) => r.result?.simLock },
  { header: "MODEL", kind: "text", value: (r) => r.result?.model },
  { header: "FMI", kind: "text", value: (r) => r.result?.fmi },
  { header: "ORDER DATE", kind: "date", value: (r) => r.order.placedAt ?? r.order.createdAt },
  { header: "UPSTREAM ID", kind: "text", value: (r) => r.order.upstreamOrderId },
  { header: "STATE", kind: "text", value: (r) => r.order.state },
];

/** Where each order came from (batch, line, operator) and every timestamp, besides the standard columns. */
const EXTENDED_COLUMNS: ExportColumn<ExportRow>[] = [
  { header: "BATCH", kind: "text", value: (r) => r.batchName },
  { header: "BATCH CREATED", kind: "date", value: (r) => r.batchCreatedAt },
  { header: "LINE", kind: "number", value: (r) => r.order.line },
  { header: "OPERATOR", kind: "text", value: (r) => r.ownerName },
  ...STANDARD_COLUMNS.filter((c) => c.header !== "ORDER DATE" && c.header !== "CODE"),
  { header: "RESULT", kind: "multiline", value: (r) => r.result?.text },
  { header: "SERIAL", kind: "text", value: (r) => r.result?.serial },
  { header: "CREATED", kind: "date", value: (r) => r.order.createdAt },
  { header: "PLACED", kind: "date", value: (r) => r.order.placedAt },
  { header: "FINISHED", kind: "date", value: (r) => r.order.finishedAt },
  { header: "OVERDUE", kind: "text", value: (r) => (r.order.overdue ? "yes" : "") },
  { header: "ERROR", kind: "text", value: (r) => r.order.errorMessage },
];

export const EXPORT_COLUMNS: Record<ExportLayout, readonly ExportColumn<ExportRow>[]> = {
  standard: STANDARD_COLUMNS,
  extended: EXTENDED_COLUMNS,
};

/** Pages of the filtered history in the history's order, each order with its service, batch and operator names. */
async function* exportPages(db: Db, filter: UnpagedFilter, scope: OwnerScope): AsyncGenerator<ExportRow[]> {
  const titles = new Map(
    (await db.prisma.service.findMany({ select: { id: true, title: true } })).map((s) => [s.id, s.title]),
  );
  const batches = new Map<string, { sourceName: string; createdAt: Date }>();
  const owners = new Map<string, string>();
  let cursor: string | undefined;
  for (;;) {
    const orders = await readOrderPage(db, filter, scope, { cursor, take: EXPORT_PAGE });
    if (orders.length === 0) return;
    const newBatches = [...new Set(orders.map((o) => o.batchId))].filter((id) => !batches.has(id));
    if (newBatches.length > 0) {
      for (const b of await db.prisma.batch.findMany({
        where: { id: { in: newBatches } },
        select: { id: true, sourceName: true, createdAt: true },
      }))
        batches.set(b.id, b);
    }
    const newOwners = [...new Set(orders.map((o) => o.ownerId))].filter((id) => !owners.has(id));
    if (newOwners.length > 0) {
      for (const u of await db.prisma.user.findMany({
        where: { id: { in: newOwners } },
        select: { id: true, name: true, email: true },
      }))
        owners.set(u.id, u.name || u.email);
    }
    yield orders.map((order) => ({
      order,
      result: readOrderResult(order),
      serviceTitle: titles.get(order.serviceId) ?? order.serviceId,
      batchName: batches.get(order.batchId)?.sourceName ?? "",
      batchCreatedAt: batches.get(order.batchId)?.createdAt ?? null,
      ownerName: owners.get(order.ownerId) ?? "",
    }));
    cursor = orders[orders.length - 1]!.id;
  }
}

/**
 * Records who exported what (the query as it was sent, and whether it covered the whole shop or only the
 * user's own orders), then streams the filtered history the user may see; paging (`cursor`, `limit`) does
 * not apply to an export.
 */
export async function exportOrders(
  db: Db,
  user: AppUser,
  filter: OrderFilter,
  options: {
    format: ExportFormat;
    layout: ExportLayout;
    timeZone: string;
    sentQuery: Record<string, string>;
  },
): Promise<Response> {
  const { cursor: _cursor, limit: _limit, ...unpaged } = filter;
  const scope = await ownerScopeFor(db, user, "see");
  await recordAudit(db, {
    actorId: user.id,
    action: "orders.export",
    details: {
      filter: options.sentQuery,
      format: options.format,
      orders: coversEveryOwner(scope) ? "shop" : "own",
    },
  });
  return exportResponse({
    format: options.format,
    fileName: `imei-desk-orders-${new Date().toISOString().slice(0, 10)}`,
    sheetName: "Orders",
    columns: EXPORT_COLUMNS[options.layout],
    pages: exportPages(db, unpaged, scope),
    timeZone: options.timeZone,
  });
}

/** The handler both export routes share: the history filter, the layout and the zone from the query. */
export function exportOrdersHandler(format: ExportFormat) {
  return async ({ req, user, db }: HandlerContext<Record<string, never>>) => {
    const sentQuery = Object.fromEntries(new URL(req.url).searchParams);
    // One zone for the whole file: the days of `from`/`to` are read in the zone its dates are written in.
    // A `tz` sent in the query is checked like the list's (a bad one is a 422); else the page's cookie.
    const filter = orderFilterSchema.parse({ ...sentQuery, tz: sentQuery.tz ?? requestTimeZone(req) });
    return exportOrders(db, user, filter, {
      format,
      layout: exportOptionsSchema.parse(sentQuery).layout,
      timeZone: filter.tz ?? "UTC",
      sentQuery,
    });
  };
}
