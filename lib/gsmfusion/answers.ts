import sanitizeHtml from "sanitize-html";
import { z } from "zod";
import { log } from "@/lib/log";
import { UpstreamError, createRefusal } from "./errors";
import type { PlacedOrder, ServiceKind, UpstreamOrder, UpstreamService, UpstreamStatus } from "./types";
import { type XmlAnswer, decodeXmlText, expectRoot, isRecord, toList } from "./xml";

/*
 * Reshapes parsed XML answers into app types. zod checks each element; one-element-vs-list is
 * normalised with toList() everywhere, because a list of one parses as a single element.
 */

const text = z.string();
const optionalText = z.string().optional();

const packageSchema = z.object({
  PackageId: z.string().regex(/^\d+$/),
  Category: optionalText,
  PackageTitle: z.string().min(1),
  PackagePrice: text,
  TimeTaken: optionalText,
  MustRead: optionalText,
});

const placedEntrySchema = z.object({ id: optionalText, imei: optionalText, status: optionalText });
const imeiErrorSchema = z.object({ imei: optionalText, error: optionalText });

const orderEntrySchema = z.object({
  id: z.string().regex(/^\d+$/),
  package: optionalText,
  imei: optionalText,
  status: text,
  code: optionalText,
  requestedat: optionalText,
});

const STATUS_WORDS: Record<string, UpstreamStatus> = {
  pending: "pending",
  inprocess: "in_process",
  inprogress: "in_process",
  processing: "in_process",
  completed: "completed",
  complete: "completed",
  rejected: "rejected",
};
// The guide numbers statuses; the live site sends words. Accept both.
const STATUS_NUMBERS: Record<string, UpstreamStatus> = {
  "1": "pending",
  "2": "completed",
  "3": "rejected",
  "4": "in_process",
};

/** Maps `Pending`, `In Process`, `Completed`, `Rejected` (any case) or 1–4 to a status; null if unknown. */
export function parseUpstreamStatus(value: string): UpstreamStatus | null {
  const trimmed = value.trim();
  const byNumber = STATUS_NUMBERS[trimmed];
  if (byNumber) return byNumber;
  return STATUS_WORDS[trimmed.toLowerCase().replace(/[^a-z]/g, "")] ?? null;
}

/** Prices are decimal strings; a leading "$" or spaces are tolerated, anything else is refused. */
function normalisePrice(value: string): string | null {
  const trimmed = value.trim().replace(/^\$\s*/, "");
  return /^\d+(\.\d+)?$/.test(trimmed) ? trimmed : null;
}

function sanitiseMustRead(raw: string | undefined): string {
  if (!raw) return "";
  return sanitizeHtml(decodeXmlText(raw)).trim();
}

function findPackages(answer: XmlAnswer, action: string): unknown[] {
  expectRoot(answer, action, "Packages", "Package", "result");
  const rootName = answer.rootName.toLowerCase();
  // A single service can arrive as the root itself.
  if (rootName === "package") return toList(answer.root);
  const root = answer.root;
  if (!isRecord(root)) return [];
  // Some clients found <Package> directly under the root, some under <Packages>: accept both.
  if ("Package" in root) return toList(root.Package);
  return toList(root.Packages).flatMap((inner) => (isRecord(inner) ? toList(inner.Package) : []));
}

export function parseServicesAnswer(answer: XmlAnswer, kind: ServiceKind, action: string): UpstreamService[] {
  const services: UpstreamService[] = [];
  let skipped = 0;
  for (const element of findPackages(answer, action)) {
    const parsed = packageSchema.safeParse(element);
    const price = parsed.success ? normalisePrice(parsed.data.PackagePrice) : null;
    if (!parsed.success || price === null) {
      skipped += 1;
      continue;
    }
    const p = parsed.data;
    services.push({
      id: p.PackageId,
      title: p.PackageTitle,
      category: p.Category ?? "",
      price,
      deliveryTime: p.TimeTaken ?? "",
      mustReadHtml: sanitiseMustRead(p.MustRead),
      kind,
    });
  }
  if (skipped > 0)
    log.warn("gsmfusion: skipped malformed services", { action, skipped, kept: services.length });
  return services;
}

function noOrderId(detail: string): UpstreamError {
  return new UpstreamError({
    kind: "unknown_outcome",
    code: "no_order_id",
    message: `GSM Fusion placeorder answer carries no order id for the IMEI sent (${detail})`,
  });
}

function splitImeiList(value: unknown): string[] {
  return toList(value).flatMap((v) =>
    typeof v === "string"
      ? v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
  );
}

/**
 * Reads a `placeorder` answer for ONE IMEI. Only an entry naming that IMEI with a numeric id is a
 * placed order. Anything else that is not an explicit refusal is an unknown outcome: the order may
 * have been placed and charged.
 */
export function parsePlaceOrderAnswer(answer: XmlAnswer, imei: string): PlacedOrder {
  expectRoot(answer, "placeorder", "result");
  const root = answer.root;
  if (!isRecord(root)) throw noOrderId("empty answer");
  const entries = toList(root.imeis).flatMap((e) => {
    const parsed = placedEntrySchema.safeParse(e);
    return parsed.success ? [parsed.data] : [];
  });
  const mine = entries.find((e) => e.imei?.trim() === imei);
  if (mine) {
    const id = mine.id?.trim() ?? "";
    if (!/^\d+$/.test(id)) throw noOrderId("the entry for it has no numeric id");
    const status = parseUpstreamStatus(mine.status ?? "");
    if (status === null) log.warn("gsmfusion: placed order with an unknown status; taking pending", { id });
    return { upstreamOrderId: id, imei, status: status ?? "pending" };
  }
  // The guide's multi-IMEI answer shape lists refusals separately; honour it for our one IMEI.
  const duplicates = toList(root.imeiduplicates).flatMap((d) => (isRecord(d) ? splitImeiList(d.imei) : []));
  if (duplicates.includes(imei)) return throwRefusal("IMEI already exists!");
  for (const e of toList(root.imeierrors)) {
    const parsed = imeiErrorSchema.safeParse(e);
    if (parsed.success && parsed.data.imei?.trim() === imei) {
      return throwRefusal(parsed.data.error?.trim() || "IMEI error");
    }
  }
  throw noOrderId(entries.length > 0 ? "the answer names other IMEIs only" : "no <imeis> entry");
}

function throwRefusal(message: string): never {
  throw createRefusal(message, "placeorder");
}

/** Reads a `getimeis` answer. Ids not asked for are dropped; entries that fail validation are skipped. */
export function parseOrdersAnswer(answer: XmlAnswer, askedIds: ReadonlySet<string>): UpstreamOrder[] {
  expectRoot(answer, "getimeis", "result");
  const root = answer.root;
  if (!isRecord(root)) return [];
  const orders: UpstreamOrder[] = [];
  let skipped = 0;
  for (const element of toList(root.imeis)) {
    const parsed = orderEntrySchema.safeParse(element);
    const status = parsed.success ? parseUpstreamStatus(parsed.data.status) : null;
    if (!parsed.success || status === null || !askedIds.has(parsed.data.id)) {
      skipped += 1;
      continue;
    }
    const e = parsed.data;
    const code = e.code === undefined ? "" : decodeXmlText(e.code);
    orders.push({
      upstreamOrderId: e.id,
      imei: e.imei?.trim() ?? "",
      status,
      code: code === "" ? null : code,
      packageTitle: e.package?.trim() || null,
      requestedAt: e.requestedat?.trim() || null,
    });
  }
  if (skipped > 0) log.warn("gsmfusion: skipped unreadable order entries", { skipped, kept: orders.length });
  return orders;
}
