import { XMLParser, XMLValidator } from "fast-xml-parser";
import { UpstreamError, createRefusal } from "./errors";

/** A parsed answer: the root element's name and its content (a string for a text-only root). */
export type XmlAnswer = { rootName: string; root: unknown };

// `code` and `MustRead` hold (escaped) HTML. Taking them as raw text keeps a stray unescaped `<br/>` or
// `<font>` as text in order instead of turning it into child elements; decodeXmlText() then decodes them.
const RAW_TEXT_TAGS = ["code", "MustRead"];

const parser = new XMLParser({
  ignoreAttributes: true,
  // Ids and IMEIs must stay strings: "0155" or a 15-digit IMEI must not become a number.
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  stopNodes: RAW_TEXT_TAGS.map((tag) => `*.${tag}`),
});

/**
 * Removes leading `<?…?>` declarations. Seen live: every answer starts with
 * `<?phpxml version="1.0" encoding="utf-8"?>`, which strict parsers and validators reject.
 */
export function stripDeclarations(text: string): string {
  let rest = text.replace(/^\uFEFF/, "").trimStart();
  while (rest.startsWith("<?")) {
    const end = rest.indexOf("?>");
    if (end === -1) return "";
    rest = rest.slice(end + 2).trimStart();
  }
  return rest;
}

function validate(xml: string): boolean {
  return XMLValidator.validate(xml) === true;
}

function unreadable(action: string, reason: string): UpstreamError {
  return new UpstreamError({
    kind: "unknown_outcome",
    code: "unreadable",
    message: `GSM Fusion ${action} answer could not be read: ${reason}`,
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One element parses to a value, several to an array, none to undefined: always get a list. */
export function toList(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Parses an answer body. Throws `refused` for an `<error>` answer and `unknown_outcome/unreadable` for
 * anything that is not one well-formed XML document (a truncated body, an HTML error page).
 */
export function parseXmlAnswer(body: string, action: string): XmlAnswer {
  let xml = stripDeclarations(body);
  if (xml.length === 0) throw unreadable(action, "empty body");
  if (!validate(xml)) {
    // A `<br>` left unescaped inside `code` is HTML, not XML; repair that one known case, then retry.
    const repaired = xml.replace(/<br\s*>/gi, "<br/>");
    if (repaired === xml || !validate(repaired)) throw unreadable(action, "not well-formed XML");
    xml = repaired;
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(xml);
  } catch {
    throw unreadable(action, "not well-formed XML");
  }
  if (!isRecord(parsed)) throw unreadable(action, "no root element");
  const entries = Object.entries(parsed);
  const first = entries[0];
  if (entries.length !== 1 || first === undefined) throw unreadable(action, "expected one root element");
  const [rootName, root] = first;
  // A proxy's or challenge page's HTML can be well-formed enough to parse: it is still not an answer.
  if (rootName.toLowerCase() === "html") throw unreadable(action, "an HTML page, not an XML answer");
  // The upstream's errors are the ROOT element. An earlier client looked only below the root and took
  // every error for an empty success ("0 services") for ten days.
  if (rootName.toLowerCase() === "error") throw createRefusal(textOf(root), action);
  // Defensive: an `<error>` directly under the root of an answer that carries nothing else.
  if (isRecord(root) && Object.keys(root).length === 1 && "error" in root) {
    throw createRefusal(textOf(root.error), action);
  }
  return { rootName, root };
}

/** Throws unreadable unless the root element is one of `names` (compared case-insensitively). */
export function expectRoot(answer: XmlAnswer, action: string, ...names: string[]): void {
  const rootName = answer.rootName.toLowerCase();
  if (!names.some((name) => name.toLowerCase() === rootName)) {
    throw unreadable(action, `unexpected root <${answer.rootName}>`);
  }
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).join("; ");
  return "";
}

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Decodes a raw-text element (see RAW_TEXT_TAGS): unwraps CDATA and decodes XML entities once. */
export function decodeXmlText(raw: string): string {
  return raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) =>
      part.startsWith("<![CDATA[")
        ? part.slice(9, -3)
        : part.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, decodeEntity),
    )
    .join("")
    .trim();
}

function decodeEntity(match: string, name: string): string {
  if (name.startsWith("#x") || name.startsWith("#X"))
    return safeFromCodePoint(parseInt(name.slice(2), 16), match);
  if (name.startsWith("#")) return safeFromCodePoint(parseInt(name.slice(1), 10), match);
  return NAMED_ENTITIES[name.toLowerCase()] ?? match;
}

function safeFromCodePoint(codePoint: number, fallback: string): string {
  return Number.isInteger(codePoint) && codePoint >= 0 && codePoint <= 0x10ffff
    ? String.fromCodePoint(codePoint)
    : fallback;
}
