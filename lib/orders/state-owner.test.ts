/**
 * The order state machine has one owner: only the files in ALLOWED may write `Order` rows with SQL or
 * change `Order.state` / `Batch.state` through Prisma. Every state change is then one reviewed
 * compare-and-set statement, and a new one cannot appear elsewhere unnoticed.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SCANNED_DIRS = ["app", "lib", "scripts", "components", "e2e"];
const SKIPPED_DIRS = new Set(["node_modules", "generated", "migrations"]);
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/**
 * The only files that may hold such statements. No test helper needs an exemption: tests that need
 * orders in a given state insert them (createMany) or drive them through these transitions.
 */
const ALLOWED = new Set([
  "lib/orders/transitions/batch.ts",
  "lib/orders/transitions/resolve.ts",
  "lib/orders/transitions/settle.ts",
  "lib/orders/transitions/submit.ts",
  "lib/orders/transitions/sync.ts",
]);

// This file holds samples of what it looks for; it is not scanned.
const SELF = "lib/orders/state-owner.test.ts";

// `UPDATE "Order"`, `update Order`, `UPDATE "public"."Batch"`; not `"OrderEvent"`.
const SQL_UPDATE = /\bupdate\s+(?:"?\w+"?\.)?"?(order|batch)\b/gi;
const PRISMA_UPDATE = /\b(order|batch)\s*\.\s*(update|updateMany|upsert)\s*\(/g;
const SETS_STATE = /(?:\bstate\b|"state")\s*[:,}]/;

/** The text from an opening bracket at `open` to its matching close (strings and comments not parsed). */
function balanced(text: string, open: number): string {
  const pairs: Record<string, string> = { "(": ")", "{": "}", "[": "]" };
  const stack: string[] = [];
  for (let i = open; i < text.length; i += 1) {
    const c = text[i]!;
    if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return text.slice(open, i + 1);
    }
  }
  return text.slice(open);
}

/**
 * Whether a Prisma update's argument may set `state`: its `data` (or an upsert's `update`/`create`) is an
 * object naming `state`, or is not an object literal at all (then it cannot be told, so it counts).
 */
function setsState(argument: string): boolean {
  const blocks = [...argument.matchAll(/\b(data|update|create)\s*:\s*/g)];
  if (blocks.length === 0) return true;
  return blocks.some((m) => {
    const at = m.index + m[0].length;
    return argument[at] !== "{" || SETS_STATE.test(balanced(argument, at));
  });
}

/** Every place in `text` that writes Order rows with SQL or Order/Batch state with Prisma. */
function findStateWrites(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(SQL_UPDATE)) found.push(m[0]);
  for (const m of text.matchAll(PRISMA_UPDATE)) {
    const argument = balanced(text, m.index + m[0].length - 1);
    if (setsState(argument)) found.push(`${m[0]}… sets state`);
  }
  return found;
}

function listSourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : listSourceFiles(rel);
    return SOURCE_FILE.test(entry.name) ? [rel] : [];
  });
}

it("recognises SQL and Prisma writes of order state, and leaves reads and other tables alone", () => {
  const sql = (table: string) => `UPDATE ${table} SET`;
  for (const write of [
    sql('"Order"'),
    sql("order").toLowerCase(),
    sql('"public"."Order"'),
    sql('"Batch"'),
    'tx.order.updateMany({ where: { batchId }, data: { state: "cancelled" } })',
    "prisma.order.update({ where: { id }, data: { finishedAt: now, state } })",
    "db.prisma.batch.update({ where: { id }, data: patch })",
    'prisma.order.upsert({ where: { id }, create: { ...row }, update: { "state": "queued" } })',
  ])
    expect(findStateWrites(write), write).not.toEqual([]);
  for (const other of [
    sql('"OrderEvent"'),
    sql('"User"'),
    'SELECT 1 FROM "Order" FOR UPDATE SKIP LOCKED',
    'prisma.order.findMany({ where: { state: "queued" } })',
    'tx.batch.update({ where: { id, state: "draft" }, data: { toSubmit: 3 } })',
    'prisma.order.updateMany({ where: { state: "submitted" }, data: { overdue: true } })',
  ])
    expect(findStateWrites(other), other).toEqual([]);
});

it("only the transitions files write Order rows or order and batch state", () => {
  const files = SCANNED_DIRS.flatMap(listSourceFiles);
  expect(files.length).toBeGreaterThan(100);
  const offenders = files
    .filter((file) => !ALLOWED.has(file) && file !== SELF)
    .flatMap((file) =>
      findStateWrites(readFileSync(path.join(ROOT, file), "utf8")).map((hit) => `${file}: ${hit}`),
    );
  expect(offenders).toEqual([]);
  // Each allowed file still exists and still holds such statements, so the list does not go stale.
  for (const file of ALLOWED)
    expect(findStateWrites(readFileSync(path.join(ROOT, file), "utf8")), file).not.toEqual([]);
});
