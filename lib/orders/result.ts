/**
 * The one reader of Order.result. The column holds `parseResultCode(code)` as JSON, written by the status
 * sync; a value that is missing or does not match the schema is derived again from the raw `code`, so
 * every reader gets the seam's clean text and fields, never HTML.
 */
import { parseResultCode } from "@/lib/gsmfusion/result-parser";
import { orderResultSchema, type OrderResult } from "./schemas";

export function readOrderResult(row: { result: string | null; code: string | null }): OrderResult | null {
  if (row.result !== null) {
    try {
      const stored = orderResultSchema.safeParse(JSON.parse(row.result));
      if (stored.success) return stored.data;
    } catch {
      // not JSON: fall through to the code
    }
  }
  return row.code === null ? null : parseResultCode(row.code);
}

/** The parsed fields the order history filters on, stored in their own indexed columns beside `result`. */
export type ResultColumns = {
  carrier: string | null;
  simLock: string | null;
  fmi: string | null;
  model: string | null;
};

export function resultColumnsOf(result: OrderResult | null): ResultColumns {
  return {
    carrier: result?.carrier ?? null,
    simLock: result?.simLock ?? null,
    fmi: result?.fmi ?? null,
    model: result?.model ?? null,
  };
}
