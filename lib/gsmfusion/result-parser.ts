import sanitizeHtml from "sanitize-html";
import type { ParsedResult, ResultField } from "./result-schema";

/*
 * Turns an order's `code` text into fields. Seen live for the Apple checker: `Label: value` lines
 * separated by `<br>`; other services use other labels, spellings and extra HTML. The raw text is
 * always kept; labels are matched case-insensitively in any order, and absence is normal.
 */

/** Label (lowercased, single-spaced) → fields it fills. A second field is filled only if still empty. */
const LABELS: Record<string, ResultField[]> = {
  model: ["model"],
  "model name": ["model"],
  "model description": ["model"],
  device: ["model"],
  "device name": ["model"],
  carrier: ["carrier"],
  network: ["carrier"],
  "locked to": ["carrier"],
  "locked carrier": ["carrier"],
  "original carrier": ["carrier"],
  "carrier name": ["carrier"],
  "sold by": ["soldBy"],
  simlock: ["simLock"],
  "sim lock": ["simLock"],
  "sim-lock": ["simLock"],
  "sim lock status": ["simLock"],
  "simlock status": ["simLock"],
  "find my iphone": ["fmi"],
  "find my iphone status": ["fmi"],
  fmi: ["fmi"],
  "fmi status": ["fmi"],
  "icloud status": ["fmi"],
  // On Apple devices the activation (iCloud) lock is what Find My iPhone turns on.
  "icloud lock": ["activationLock", "fmi"],
  "activation lock": ["activationLock", "fmi"],
  "activation lock status": ["activationLock", "fmi"],
  imei: ["imei"],
  "imei number": ["imei"],
  "imei 1": ["imei"],
  imei1: ["imei"],
  imei2: ["imei2"],
  "imei 2": ["imei2"],
  "imei2 number": ["imei2"],
  "imei 2 number": ["imei2"],
  serial: ["serial"],
  "serial number": ["serial"],
  "serial no": ["serial"],
  sn: ["serial"],
  meid: ["meid"],
  "meid number": ["meid"],
  "current gsma status": ["gsmaStatus"],
  "gsma status": ["gsmaStatus"],
  gsma: ["gsmaStatus"],
  // Blacklist labels are the GSMA blacklist under another name.
  "blacklist status": ["blacklist", "gsmaStatus"],
  blacklist: ["blacklist", "gsmaStatus"],
  "gsma blacklist status": ["blacklist", "gsmaStatus"],
  "estimated purchase date": ["purchaseDate"],
  "purchase date": ["purchaseDate"],
  "est. purchase date": ["purchaseDate"],
  "applecare eligible": ["appleCare"],
  applecare: ["appleCare"],
  "apple care": ["appleCare"],
  "next tether policy": ["tetherPolicy"],
  "tether policy": ["tetherPolicy"],
  "warranty status": ["warranty"],
  warranty: ["warranty"],
  "purchase country": ["country"],
  country: ["country"],
  brand: ["brand"],
  manufacturer: ["brand"],
  "unlock code": ["unlockCode"],
  nck: ["unlockCode"],
  "network code": ["unlockCode"],
};

const LABEL_SHAPE = /^[\p{L}][\p{L}\p{N} #()/.&_-]{0,59}$/u;
const ESCAPED_BREAK = /&lt;\s*br\s*\/?\s*&gt;/gi;
const BREAK = /<\s*br\s*\/?\s*>/gi;

const TEXT_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (match, name: string) => {
    if (name[0] === "#") {
      const n =
        name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : match;
    }
    return TEXT_ENTITIES[name.toLowerCase()] ?? match;
  });
}

/** `<br>` in any spelling (also still escaped, as `&lt;br&gt;`) becomes a line break; other HTML is dropped. */
export function cleanResultText(code: string): string {
  let text = code.replace(/\r\n?/g, "\n").replace(ESCAPED_BREAK, "\n").replace(BREAK, "\n");
  // Some services escape their HTML twice; if tags are still escaped, decode once before stripping.
  if (/&lt;\/?[a-z][^&]*&gt;/i.test(text)) text = decodeEntities(text).replace(BREAK, "\n");
  // Block-level tags end a line too.
  text = text.replace(/<\/(p|div|li|tr)\s*>/gi, "\n");
  const stripped = sanitizeHtml(text, { allowedTags: [], allowedAttributes: {} });
  return decodeEntities(stripped)
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line.length > 0)
    .join("\n");
}

function normaliseLabel(label: string): string {
  return label.toLowerCase().replace(/\s+/g, " ").trim();
}

export function parseResultCode(code: string): ParsedResult {
  const text = cleanResultText(code);
  const result: ParsedResult = { raw: code, text, fields: {}, unknownLabels: [] };
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const label = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    // "https://…" is a value, not a label.
    if (value.startsWith("//") || !LABEL_SHAPE.test(label)) continue;
    if (Object.hasOwn(result.fields, label)) continue;
    result.fields[label] = value;
    const key = normaliseLabel(label);
    const targets = Object.hasOwn(LABELS, key) ? LABELS[key] : undefined;
    if (!targets) {
      result.unknownLabels.push(label);
      continue;
    }
    if (value === "") continue;
    const [primary, ...secondary] = targets;
    if (primary !== undefined && result[primary] === undefined) result[primary] = value;
    for (const field of secondary) if (result[field] === undefined) result[field] = value;
  }
  return result;
}
