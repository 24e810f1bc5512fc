/**
 * A batch's results file: one row per uploaded line, in upload order, the file an operator pastes back
 * beside their own sheet. Read from BatchLine in keyset pages of 500 lines, so memory stays flat whatever
 * the batch's size; what the file says comes from the stored orders (a running batch gives what is known).
 */
import type { Db } from "@/lib/db";
import { RESULT_FIELDS, type ResultField } from "@/lib/gsmfusion/result-schema";
import { formatDateTime } from "@/lib/format";
import type { ExportColumn } from "@/lib/export/columns";
import type { Micros } from "@/lib/money";
import { readOrderResult } from "@/lib/orders/result";
import { ORDERED_STATES } from "@/lib/orders/states";

// Lines per query: enough to make 20,000 lines 40 queries, few enough to keep a page small.
const PAGE = 500;

/** The parsed fields the file has a column for, always all of them: every file has the same header. */
const PARSED_FIELDS: { field: ResultField; header: string }[] = [
  { field: "model", header: "MODEL" },
  { field: "carrier", header: "CARRIER" },
  { field: "simLock", header: "SIMLOCK" },
  { field: "fmi", header: "FMI" },
  { field: "imei2", header: "IMEI 2" },
  { field: "serial", header: "SERIAL" },
  ...RESULT_FIELDS.filter(
    // The result's own IMEI is the line's IMEI; the first six are above.
    (f) => !["model", "carrier", "simLock", "fmi", "imei", "imei2", "serial"].includes(f),
  ).map((field) => ({ field, header: headerOf(field) })),
];

function headerOf(field: string): string {
  return field.replace(/([A-Z])/g, " $1").toUpperCase();
}

export type ResultsRow = {
  line: number;
  input: string;
  imei: string;
  state: string;
  status: string;
  /** The result text, one line per `<br>`. */
  result: string;
  fields: Partial<Record<ResultField, string>>;
  /** 0 for a line not charged (a repeat, a skipped or not placed order); null for an invalid line. */
  price: Micros | null;
  upstreamOrderId: string;
  note: string;
};

/** The file's columns, in order; the same for every batch, whatever its results hold. */
export const RESULTS_COLUMNS: readonly ExportColumn<ResultsRow>[] = [
  { header: "LINE", kind: "number", value: (r) => r.line },
  { header: "INPUT", kind: "text", value: (r) => r.input },
  { header: "IMEI", kind: "text", value: (r) => r.imei },
  { header: "STATE", kind: "text", value: (r) => r.state },
  { header: "STATUS", kind: "text", value: (r) => r.status },
  { header: "RESULT", kind: "multiline", value: (r) => r.result },
  ...PARSED_FIELDS.map(({ field, header }): ExportColumn<ResultsRow> => ({
    header,
    kind: "text",
    value: (r) => r.fields[field],
  })),
  { header: "PRICE", kind: "money", value: (r) => r.price },
  { header: "UPSTREAM ORDER ID", kind: "text", value: (r) => r.upstreamOrderId },
  { header: "NOTE", kind: "text", value: (r) => r.note },
];

type RawLine = {
  seq: number | bigint;
  line: number | bigint;
  input: string;
  imei: string | null;
  kind: string;
  reason: string | null;
  sameAsLine: number | bigint | null;
  orderId: string | null;
  state: string | null;
  priceMicros: number | bigint | null;
  errorKind: string | null;
  errorMessage: string | null;
  settleNote: string | null;
  upstreamOrderId: string | null;
  upstreamStatus: string | null;
  code: string | null;
  result: string | null;
  reusedFromId: string | null;
  rUpstreamOrderId: string | null;
  rUpstreamStatus: string | null;
  rState: string | null;
  rCode: string | null;
  rResult: string | null;
  rOrderedAt: Date | string | number | null;
};

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

const ORDERED = new Set<string>(ORDERED_STATES);

/** What the line costs: the order's price if it is (or may be) charged, else 0; an invalid line none. */
function priceOf(raw: RawLine): Micros | null {
  if (raw.kind === "invalid") return null;
  if (raw.kind === "repeat" || raw.state === null) return 0n;
  const charged =
    ORDERED.has(raw.state) ||
    raw.state === "draft" ||
    (raw.state === "failed" && raw.errorKind === "written_off");
  return charged ? BigInt(raw.priceMicros ?? 0) : 0n;
}

function toRow(raw: RawLine, timeZone: string): ResultsRow {
  const skipped = raw.state === "skipped";
  // A skipped order's answer is the earlier order's.
  const source = skipped
    ? { code: raw.rCode, result: raw.rResult, status: raw.rUpstreamStatus, id: raw.rUpstreamOrderId }
    : { code: raw.code, result: raw.result, status: raw.upstreamStatus, id: raw.upstreamOrderId };
  const parsed = raw.orderId ? readOrderResult(source) : null;
  const notes: string[] = [];
  if (raw.kind === "invalid") notes.push(raw.reason ?? "not an IMEI");
  if (raw.kind === "repeat") notes.push(`same as line ${Number(raw.sameAsLine)}`);
  if (skipped) {
    notes.push(
      raw.rOrderedAt === null
        ? "ordered before — the earlier order is no longer on record"
        : `ordered before on ${formatDateTime(toDate(raw.rOrderedAt), timeZone).slice(0, 10)} — result reused`,
    );
  }
  if (raw.kind !== "repeat" && (raw.state === "failed" || raw.state === "duplicate") && raw.errorMessage)
    notes.push(raw.errorMessage);
  if (raw.kind !== "repeat" && raw.state === "uncertain")
    notes.push(raw.settleNote ?? "outcome not known yet");
  const fields: Partial<Record<ResultField, string>> = {};
  if (parsed) for (const { field } of PARSED_FIELDS) if (parsed[field]) fields[field] = parsed[field];
  return {
    line: Number(raw.line),
    input: raw.input,
    imei: raw.imei ?? "",
    state: raw.kind === "invalid" ? "invalid" : (raw.state ?? ""),
    status: source.status ?? (skipped ? (raw.rState ?? "") : ""),
    result: parsed?.text ?? "",
    fields,
    price: priceOf(raw),
    upstreamOrderId: source.id ?? "",
    note: notes.join("; "),
  };
}

/**
 * The results rows of a batch in upload order, a page (PAGE lines) at a time. The caller has checked the
 * user may see the batch. `timeZone` is the viewer's, for the dates in notes.
 */
export async function* readBatchResultPages(
  db: Db,
  batchId: string,
  options: { timeZone: string },
): AsyncGenerator<ResultsRow[]> {
  let after = 0;
  for (;;) {
    const page = await db.prisma.$queryRaw<RawLine[]>`
      SELECT l."seq", l."line", l."input", l."imei", l."kind", l."reason", l."sameAsLine", l."orderId",
        o."state", o."priceMicros", o."errorKind", o."errorMessage", o."settleNote", o."upstreamOrderId",
        o."upstreamStatus", o."code", o."result", o."reusedFromId",
        r."upstreamOrderId" AS "rUpstreamOrderId", r."upstreamStatus" AS "rUpstreamStatus",
        r."state" AS "rState", r."code" AS "rCode", r."result" AS "rResult",
        COALESCE(r."placedAt", r."createdAt") AS "rOrderedAt"
      FROM "BatchLine" AS l
        LEFT JOIN "Order" AS o ON o."id" = l."orderId"
        LEFT JOIN "Order" AS r ON r."id" = o."reusedFromId"
      WHERE l."batchId" = ${batchId} AND l."seq" > ${after}
      ORDER BY l."seq"
      LIMIT ${PAGE}`;
    if (page.length > 0) yield page.map((raw) => toRow(raw, options.timeZone));
    if (page.length < PAGE) return;
    after = Number(page[page.length - 1]!.seq);
  }
}

/** The same rows one by one. */
export async function* readBatchResults(
  db: Db,
  batchId: string,
  options: { timeZone: string },
): AsyncGenerator<ResultsRow> {
  for await (const page of readBatchResultPages(db, batchId, options)) yield* page;
}
