/**
 * IMEI normalising and validation, shared by the browser preview, the API and the importer.
 * Pure: no server-only code, no I/O.
 *
 * An IMEI is 15 digits, the last a Luhn check digit over the first 14. Operators' cells come from
 * spreadsheets and e-mails, so a cell is cleaned of the harmless noise first (spaces, dashes, dots used as
 * separators, quotes, Excel's text markers) and every remaining problem gets a reason that says what to do.
 */
import { z } from "zod";

export type ImeiCheck = { ok: true; imei: string } | { ok: false; reason: string };

/** The Luhn check digit (0–9) for a string of digits that does not yet include one. */
export function luhnCheckDigit(body: string): number {
  let sum = 0;
  // Walking from the right, every second digit of the body (starting with the rightmost) is doubled.
  for (let i = body.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `digits` is all digits (at least two) and its last digit is the Luhn check digit of the rest. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return luhnCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1));
}

// Wrappers a spreadsheet or a copy-paste leaves around a cell: quotes of every kind, Excel's `="…"` text
// formula and its leading apostrophe text marker.
const QUOTE_PAIRS: Record<string, string> = {
  '"': '"',
  "'": "'",
  "`": "`",
  "“": "”",
  "”": "”",
  "‘": "’",
  "’": "’",
};

function unwrap(raw: string): string {
  let s = raw.trim();
  for (;;) {
    const before = s;
    if (s.startsWith('="') && s.endsWith('"') && s.length >= 3) s = s.slice(2, -1).trim();
    const close = QUOTE_PAIRS[s.charAt(0)];
    if (close && s.length >= 2 && s.endsWith(close)) s = s.slice(1, -1).trim();
    else if (s.startsWith("'")) s = s.slice(1).trim();
    if (s === before) return s;
  }
}

// What a spreadsheet writes for a long number: 3.53979E+14 (or 3,53979E+14 in a comma-decimal locale).
const EXPONENT_FORM = /^\d+(?:[.,]\d+)?e\+?\d+$/i;
// A number formatted with decimals (353979106673567.0): the decimals are formatting, not part of the IMEI.
const TRAILING_ZERO_DECIMALS = /^(\d{14,17})[.,]0+$/;
// Separators people type inside an IMEI: whitespace (incl. no-break and zero-width), dashes, dots.
const SEPARATORS = /[\s\u200b\u200c\u200d\u2060\-\u2010\u2011\u2012\u2013\u2014\u2212.]/g;

/** Normalises a raw cell (trim, strip spaces, dashes, dots used as separators, surrounding quotes) and validates. */
export function checkImei(raw: string): ImeiCheck {
  let s = unwrap(raw);
  if (s === "") return fail("empty; put a 15-digit IMEI here or remove the line");
  if (EXPONENT_FORM.test(s)) {
    return fail(
      `a spreadsheet turned this IMEI into a number (${s}) and lost its last digits; format the column as text and export again`,
    );
  }
  s = s.replace(TRAILING_ZERO_DECIMALS, "$1");
  const digits = s.replace(SEPARATORS, "");
  if (/\p{L}/u.test(digits)) {
    const hint = /^[\dOoIl]+$/.test(digits) ? " (O or I/l typed instead of 0 or 1?)" : "";
    return fail(`contains letters${hint}; an IMEI is 15 digits only — correct the cell or remove the line`);
  }
  const others = [...new Set(digits.replace(/\d/g, ""))];
  if (others.length > 0) {
    const shown = others.map((c) => JSON.stringify(c)).join(", ");
    return fail(`contains ${shown}, which an IMEI cannot have; an IMEI is 15 digits only`);
  }
  switch (digits.length) {
    case 15:
      if (isLuhnValid(digits)) return { ok: true, imei: digits };
      return fail(
        `fails the Luhn check digit (last digit should be ${luhnCheckDigit(digits.slice(0, 14))}); check the IMEI for a typo`,
      );
    case 16:
      return fail("looks like an IMEISV (16 digits, no check digit); use the 15-digit IMEI");
    case 14: {
      const missing = `has 14 digits, an IMEI has 15: the check digit may be missing (it would be ${luhnCheckDigit(digits)})`;
      // Many IMEIs start with 0 (01… is common on iPhones); a spreadsheet that reads one as a number drops it.
      return fail(
        isLuhnValid(`0${digits}`)
          ? `${missing}, or a spreadsheet dropped a leading 0 (0${digits} would be valid); format the column as text and export again`
          : `${missing}; copy the full IMEI`,
      );
    }
    default:
      return fail(
        `has ${digits.length} digit${digits.length === 1 ? "" : "s"}, an IMEI has exactly 15; check for missing or extra digits`,
      );
  }
}

function fail(reason: string): ImeiCheck {
  return { ok: false, reason };
}

/** A raw cell in, the normalised 15-digit IMEI out; the issue message is checkImei's reason. */
export const imeiSchema: z.ZodType<string> = z.string().transform((raw, ctx) => {
  const check = checkImei(raw);
  if (check.ok) return check.imei;
  ctx.addIssue({ code: "custom", message: check.reason, input: raw });
  return z.NEVER;
});
