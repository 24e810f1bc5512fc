import type { Order } from "./api-client";

export type ResultSummary = { text: string; full: string; isError: boolean };

// Fields of lib/gsmfusion's parsed result, in the order an operator scans them; the IMEI is already in its
// own column and raw/text are the whole code.
const PREFERRED_KEYS = [
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
const HIDDEN_KEYS = new Set(["raw", "text", "imei"]);
const LABELS: Record<string, string> = {
  fmi: "FMI",
  imei2: "IMEI 2",
  gsmaStatus: "GSMA",
  simLock: "SIM lock",
};

function label(key: string): string {
  const known = LABELS[key];
  if (known) return known;
  const words = key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** One line for the orders table: the parsed result's main fields, else the raw code, else the error. */
export function summariseResult(order: Order): ResultSummary {
  if (order.errorMessage && order.state !== "completed") {
    return { text: order.errorMessage, full: order.errorMessage, isError: true };
  }
  const fields = resultFields(order.result);
  if (fields.length > 0) {
    const parts = fields.map(([key, value]) => `${label(key)}: ${value}`);
    return { text: parts.slice(0, 4).join(" · "), full: parts.join("\n"), isError: false };
  }
  if (order.code) {
    const plain = order.code
      .replace(/<br\s*\/?>/gi, " · ")
      .replace(/<[^>]*>/g, "")
      .replace(/\s+/g, " ")
      .trim();
    return { text: plain, full: plain, isError: order.state === "rejected" };
  }
  const status = order.upstreamStatus ?? "";
  return { text: status || "—", full: status, isError: false };
}

function resultFields(result: unknown): [string, string][] {
  if (!result || typeof result !== "object" || Array.isArray(result)) return [];
  const entries = Object.entries(result as Record<string, unknown>).filter(
    (entry): entry is [string, string | number | boolean] =>
      !HIDDEN_KEYS.has(entry[0]) &&
      ["string", "number", "boolean"].includes(typeof entry[1]) &&
      entry[1] !== "",
  );
  const rank = (key: string) => {
    const i = PREFERRED_KEYS.indexOf(key);
    return i === -1 ? PREFERRED_KEYS.length : i;
  };
  return entries
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([key, value]) => [key, typeof value === "boolean" ? (value ? "yes" : "no") : String(value)]);
}
