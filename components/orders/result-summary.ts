import { RESULT_FIELDS, type ApiOrder, type OrderResult, type ResultField } from "@/lib/orders/schemas";

export type ResultSummary = { text: string; full: string; isError: boolean };

// The parsed result's fields in the order an operator scans them; the rest follow in RESULT_FIELDS order.
// The IMEI is already in its own column.
const PREFERRED: ResultField[] = [
  "unlockCode",
  "model",
  "carrier",
  "simLock",
  "fmi",
  "activationLock",
  "blacklist",
  "gsmaStatus",
  "imei2",
  "serial",
  "warranty",
];
const HIDDEN = new Set<ResultField>(["imei"]);
const ORDERED_FIELDS = [
  ...PREFERRED,
  ...RESULT_FIELDS.filter((field) => !PREFERRED.includes(field) && !HIDDEN.has(field)),
];
const LABELS: Partial<Record<ResultField, string>> = {
  fmi: "FMI",
  imei2: "IMEI 2",
  gsmaStatus: "GSMA",
  simLock: "SIM lock",
};
// The short form of the orders page: these values alone, without labels.
const HEADLINE: ResultField[] = ["model", "carrier", "simLock", "fmi", "unlockCode"];

function label(field: ResultField): string {
  const known = LABELS[field];
  if (known) return known;
  const words = field.replace(/([a-z])([A-Z])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function resultFields(result: OrderResult | null): [ResultField, string][] {
  if (!result) return [];
  return ORDERED_FIELDS.flatMap((field) => {
    const value = result[field];
    return value ? [[field, value] as [ResultField, string]] : [];
  });
}

/** The result's clean text (no HTML) on one line. */
function resultLine(result: OrderResult | null, separator: string): string {
  return result ? result.text.split("\n").join(separator) : "";
}

/** One line for a batch's orders table: the parsed result's main fields, else its text, else the error. */
export function summariseResult(order: ApiOrder): ResultSummary {
  if (order.errorMessage && order.state !== "completed") {
    return { text: order.errorMessage, full: order.errorMessage, isError: true };
  }
  const fields = resultFields(order.result);
  if (fields.length > 0) {
    const parts = fields.map(([field, value]) => `${label(field)}: ${value}`);
    return { text: parts.slice(0, 4).join(" · "), full: parts.join("\n"), isError: false };
  }
  const text = resultLine(order.result, " · ");
  if (text) return { text, full: text, isError: order.state === "rejected" };
  const status = order.upstreamStatus ?? "";
  return { text: status || "—", full: status, isError: false };
}

/** The orders page's short form: the main values without labels, else the error, else the result's text. */
export function summariseResultBriefly(order: ApiOrder): string {
  const parts = HEADLINE.flatMap((field) => order.result?.[field] ?? []);
  return parts.length > 0 ? parts.join(" · ") : (order.errorMessage ?? resultLine(order.result, " · "));
}
