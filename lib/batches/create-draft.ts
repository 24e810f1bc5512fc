/**
 * Drafts: the first half of the consent step. A draft is validated, deduplicated and priced, and places
 * nothing; only a confirm (confirm.ts) queues its orders.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Prisma } from "@/lib/generated/sqlite/client";
import { recordAuditIn } from "@/lib/admin/audit";
import { isAdmin } from "@/lib/auth/permissions";
import type { AppUser } from "@/lib/auth/users";
import { extractImeiLines, MAX_LINES, type ImeiLine } from "@/lib/csv";
import type { Db, Provider, TxClient } from "@/lib/db";
import { sqlList } from "@/lib/db/sql-list";
import { AppError } from "@/lib/errors";
import { checkImei } from "@/lib/imei";
import { toDecimalString, type Micros } from "@/lib/money";
import { ORDERED_STATES } from "@/lib/orders/states";
import {
  createDraftSchema,
  type AlreadyOrdered,
  type CreateDraftInput,
  type DraftSummary,
  type InvalidLine,
} from "./schemas";

export type { AlreadyOrdered, CreateDraftInput, DraftSummary, InvalidLine } from "./schemas";

const STORED_LIST_CAP = 1_000;
// 10 parameters an order row, 9 a line row: well under SQLite's 32,766 and PostgreSQL's 65,535 per statement.
const INSERT_CHUNK = 1_000;

/**
 * Inserts a draft's orders with multi-row INSERTs. Prisma's createMany spends ~0.5 ms of CPU per row in
 * its query engine; 20,000 rows took 11 s that way and take well under a second like this.
 */
async function insertDraftOrders(
  tx: TxClient,
  input: {
    batchId: string;
    serviceId: string;
    ownerId: string;
    priceMicros: Micros;
    orderIdOf: Map<string, string>;
    lineOf: Map<string, number>;
  },
): Promise<void> {
  const now = new Date();
  const imeis = [...input.orderIdOf.keys()];
  for (let i = 0; i < imeis.length; i += INSERT_CHUNK) {
    const values = imeis
      .slice(i, i + INSERT_CHUNK)
      .map(
        (imei) =>
          Prisma.sql`(${input.orderIdOf.get(imei)!}, ${input.batchId}, ${input.serviceId}, ${input.ownerId}, ${imei}, ${input.lineOf.get(imei)!}, 'draft', ${input.priceMicros}, ${now}, ${now})`,
      );
    await tx.$executeRaw`
      INSERT INTO "Order" ("id", "batchId", "serviceId", "ownerId", "imei", "line", "state", "priceMicros", "createdAt", "updatedAt")
      VALUES ${Prisma.join(values)}`;
  }
}

/** One uploaded line as the results file will show it (a BatchLine row). */
type DraftLine = {
  line: number;
  input: string;
  imei: string | null;
  kind: "order" | "repeat" | "invalid";
  reason: string | null;
  sameAsLine: number | null;
};

// Lines per INSERT of BatchLine rows; each statement binds them as ONE JSON parameter.
const LINE_CHUNK = 5_000;

/**
 * Every uploaded line of the draft, in upload order. The rows go in as one JSON parameter per statement,
 * unpacked by the database: binding 9 values a row cost as much again as the whole draft.
 */
async function insertBatchLines(
  tx: TxClient,
  provider: Provider,
  input: { batchId: string; lines: DraftLine[]; orderIdOf: Map<string, string> },
): Promise<void> {
  for (let i = 0; i < input.lines.length; i += LINE_CHUNK) {
    const rows = JSON.stringify(
      input.lines
        .slice(i, i + LINE_CHUNK)
        .map((l, j) => [
          i + j + 1,
          l.line,
          l.input,
          l.imei,
          l.kind,
          l.reason,
          l.sameAsLine,
          l.imei === null ? null : input.orderIdOf.get(l.imei)!,
        ]),
    );
    if (provider === "postgresql") {
      await tx.$executeRaw`
        INSERT INTO "BatchLine" ("batchId", "seq", "line", "input", "imei", "kind", "reason", "sameAsLine", "orderId")
        SELECT ${input.batchId}, (r->>0)::int, (r->>1)::int, r->>2, r->>3, r->>4, r->>5, (r->>6)::int, r->>7
        FROM jsonb_array_elements(${rows}::jsonb) AS r`;
    } else {
      await tx.$executeRaw`
        INSERT INTO "BatchLine" ("batchId", "seq", "line", "input", "imei", "kind", "reason", "sameAsLine", "orderId")
        SELECT ${input.batchId}, "value" ->> 0, "value" ->> 1, "value" ->> 2, "value" ->> 3, "value" ->> 4,
          "value" ->> 5, "value" ->> 6, "value" ->> 7
        FROM json_each(${rows})`;
    }
  }
}

function sourceLines(input: z.infer<typeof createDraftSchema>): {
  lines: ImeiLine[];
  problems: InvalidLine[];
} {
  if (input.imeis) return { lines: input.imeis.map((value, i) => ({ line: i + 1, value })), problems: [] };
  const csv = input.csv ?? "";
  // A header and blank lines aside, more physical lines than a batch holds is a file to split, not a typo.
  if (csv.split("\n").filter((l) => l.trim()).length > MAX_LINES + 1) {
    throw new AppError(
      "payload_too_large",
      `A batch holds at most ${MAX_LINES.toLocaleString("en-US")} IMEIs; split the file.`,
    );
  }
  const extracted = extractImeiLines(csv);
  if (extracted.lines.length === 0 && extracted.problems.length > 0) {
    const first = extracted.problems[0]!;
    throw new AppError("validation_failed", `csv (line ${first.line}): ${first.message}`, {
      issues: extracted.problems.map((p) => ({ field: "csv", line: p.line, message: p.message })),
    });
  }
  return {
    lines: extracted.lines,
    problems: extracted.problems.map((p) => ({ line: p.line, value: "", reason: p.message })),
  };
}

/** IMEIs of this service that are already ordered (by anyone), with their newest order. */
async function findAlreadyOrdered(db: Db, serviceId: string, imeis: string[]) {
  const rows = await db.prisma.$queryRaw<{ id: string; imei: string; state: string }[]>`
    SELECT "id", "imei", "state" FROM "Order"
    WHERE "serviceId" = ${serviceId} AND "imei" IN ${sqlList(db.provider, imeis)}
      AND "state" IN (${Prisma.join([...ORDERED_STATES])})
    ORDER BY "createdAt" ASC, "id" ASC`;
  const found = new Map<string, { id: string; state: string }>();
  for (const row of rows) found.set(row.imei, { id: row.id, state: row.state });
  return found;
}

/**
 * Validates and prices a batch without placing anything. Every bad line is reported with its line number;
 * a draft with nothing to place is refused and nothing is written.
 */
export async function createDraft(db: Db, user: AppUser, raw: CreateDraftInput): Promise<DraftSummary> {
  const input = createDraftSchema.parse(raw);
  const priority = input.priority ?? 0;
  if (priority > 5 && !isAdmin(user)) {
    throw new AppError("validation_failed", "priority: operators may set at most 5", {
      issues: [{ field: "priority", message: "at most 5 for operators" }],
    });
  }
  const service = await db.prisma.service.findUnique({ where: { id: input.serviceId } });
  if (!service || !service.active) {
    throw new AppError("validation_failed", `serviceId: unknown service ${input.serviceId}`, {
      issues: [{ field: "serviceId", message: "unknown or retired service" }],
    });
  }
  const { lines, problems } = sourceLines(input);
  if (lines.length > MAX_LINES)
    throw new AppError(
      "payload_too_large",
      `A batch holds at most ${MAX_LINES} IMEIs; this one has ${lines.length}.`,
    );

  const invalid: InvalidLine[] = [...problems];
  const firstLineOf = new Map<string, number>();
  const draftLines: DraftLine[] = [];
  let duplicatesInBatch = 0;
  for (const { line, value } of lines) {
    const check = checkImei(value);
    if (!check.ok) {
      invalid.push({ line, value, reason: check.reason });
      draftLines.push({
        line,
        input: value,
        imei: null,
        kind: "invalid",
        reason: check.reason,
        sameAsLine: null,
      });
    } else if (firstLineOf.has(check.imei)) {
      duplicatesInBatch += 1;
      const sameAsLine = firstLineOf.get(check.imei)!;
      draftLines.push({ line, input: value, imei: check.imei, kind: "repeat", reason: null, sameAsLine });
    } else {
      firstLineOf.set(check.imei, line);
      draftLines.push({
        line,
        input: value,
        imei: check.imei,
        kind: "order",
        reason: null,
        sameAsLine: null,
      });
    }
  }
  // A line the CSV reader could not read at all is a line of its own; one whose cell was still read
  // is already there, judged by its cell.
  const readLines = new Set(lines.map((l) => l.line));
  for (const p of problems) {
    if (readLines.has(p.line)) continue;
    readLines.add(p.line);
    draftLines.push({
      line: p.line,
      input: "",
      imei: null,
      kind: "invalid",
      reason: p.reason,
      sameAsLine: null,
    });
  }
  draftLines.sort((a, b) => a.line - b.line); // stable: several IMEIs of one line keep their order
  invalid.sort((a, b) => a.line - b.line);
  if (firstLineOf.size === 0) {
    const first = invalid[0];
    throw new AppError(
      "validation_failed",
      first
        ? `No valid IMEI to place. Line ${first.line}: ${first.reason}`
        : "No IMEIs found: the input is empty.",
      {
        issues: invalid.slice(0, STORED_LIST_CAP).map((i) => ({
          field: input.csv !== undefined ? "csv" : "imeis",
          line: i.line,
          message: i.reason,
        })),
      },
    );
  }

  const imeis = [...firstLineOf.keys()];
  const repeats = await findAlreadyOrdered(db, service.id, imeis);
  const alreadyOrdered: AlreadyOrdered[] = [...repeats].map(([imei, o]) => ({
    imei,
    orderId: o.id,
    state: o.state,
    line: firstLineOf.get(imei)!,
  }));
  alreadyOrdered.sort((a, b) => a.line - b.line);
  const unit = service.priceMicros;
  const estimated = unit * BigInt(imeis.length - repeats.size);
  const withRepeats = unit * BigInt(imeis.length);
  const sourceName = input.name || (input.csv !== undefined ? "uploaded CSV" : "pasted");

  const batch = await db.transaction(async (tx) => {
    const created = await tx.batch.create({
      data: {
        ownerId: user.id,
        serviceId: service.id,
        sourceName,
        state: "draft",
        priority,
        totalLines: draftLines.length,
        toSubmit: imeis.length,
        invalidCount: draftLines.length - imeis.length - duplicatesInBatch,
        duplicatesInBatch,
        alreadyOrderedCount: repeats.size,
        unitPriceMicros: unit,
        estimatedCostMicros: estimated,
        invalidLines: JSON.stringify(invalid.slice(0, STORED_LIST_CAP)),
        alreadyOrdered: JSON.stringify(alreadyOrdered.slice(0, STORED_LIST_CAP)),
      },
    });
    const orderIdOf = new Map(imeis.map((imei) => [imei, randomUUID()]));
    await insertDraftOrders(tx, {
      batchId: created.id,
      serviceId: service.id,
      ownerId: user.id,
      priceMicros: unit,
      orderIdOf,
      lineOf: firstLineOf,
    });
    await insertBatchLines(tx, db.provider, { batchId: created.id, lines: draftLines, orderIdOf });
    await recordAuditIn(tx, {
      actorId: user.id,
      action: "batch.draft",
      targetType: "batch",
      targetId: created.id,
      details: { count: imeis.length, serviceId: service.id },
    });
    return created;
  });

  return {
    id: batch.id,
    status: "draft",
    service: { id: service.id, title: service.title },
    sourceName,
    total: batch.totalLines,
    toSubmit: imeis.length - repeats.size,
    toSubmitWithRepeats: imeis.length,
    invalid,
    duplicatesInBatch,
    alreadyOrdered,
    unitPrice: toDecimalString(unit),
    estimatedCost: toDecimalString(estimated),
    estimatedCostWithRepeats: toDecimalString(withRepeats),
  };
}
