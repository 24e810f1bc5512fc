import { describe, expect, it } from "vitest";
import { checkImei, imeiSchema, isLuhnValid, luhnCheckDigit } from "./imei";

const VALID = ["353979106673567", "356938035643809", "490154203237518"];

function reasonOf(raw: string): string {
  const check = checkImei(raw);
  if (check.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected, got ${check.imei}`);
  return check.reason;
}

describe("isLuhnValid", () => {
  it.each(VALID)("accepts %s", (imei) => {
    expect(isLuhnValid(imei)).toBe(true);
  });

  it("rejects a changed check digit, a swapped pair and non-digits", () => {
    expect(isLuhnValid("353979106673568")).toBe(false);
    expect(isLuhnValid("353979106676357")).toBe(false);
    expect(isLuhnValid("35397910667356a")).toBe(false);
    expect(isLuhnValid("")).toBe(false);
    expect(isLuhnValid("0")).toBe(false);
  });

  it("computes the check digit of the first 14 digits", () => {
    expect(luhnCheckDigit("35397910667356")).toBe(7);
    expect(luhnCheckDigit("49015420323751")).toBe(8);
    expect(luhnCheckDigit("79927398713".slice(0, -1))).toBe(3); // the textbook Luhn example
  });
});

describe("checkImei", () => {
  it.each(VALID)("accepts %s as is", (imei) => {
    expect(checkImei(imei)).toEqual({ ok: true, imei });
  });

  it.each([
    ["stray spaces around", "  353979106673567 \t"],
    ["grouped with spaces", "35 397910 667356 7"],
    ["grouped with dashes", "35-397910-667356-7"],
    ["grouped with en dashes", "35–397910–667356–7"],
    ["dots used as separators", "35.397910.667356.7"],
    ["no-break and zero-width spaces", "35\u00a0397910\u200b667356 7"],
    ["double quotes", '"353979106673567"'],
    ["single quotes", "'353979106673567'"],
    ["smart quotes", "“353979106673567”"],
    ["Excel's apostrophe text marker", "'353979106673567"],
    ["Excel's text formula", '="353979106673567"'],
    ["quotes and spaces nested", ' " 35 397910 667356 7 " '],
    ["a number with decimals", "353979106673567.0"],
    ["a number with comma decimals", "353979106673567,00"],
  ])("normalises %s", (_name, raw) => {
    expect(checkImei(raw)).toEqual({ ok: true, imei: "353979106673567" });
  });

  it("says an empty cell is empty", () => {
    for (const raw of ["", "   ", '""', "''", '=""']) expect(reasonOf(raw)).toMatch(/^empty/);
  });

  it("says when a cell has letters, with a hint for O and I typed as digits", () => {
    expect(reasonOf("IMEI: 353979106673567")).toMatch(/^contains letters; an IMEI is 15 digits only/);
    expect(reasonOf("3539791O6673567")).toMatch(/^contains letters \(O or I\/l typed instead of 0 or 1\?\)/);
    expect(reasonOf("n/a")).toMatch(/^contains letters/);
  });

  it("names other characters an IMEI cannot have", () => {
    expect(reasonOf("353979106673567#")).toBe(
      'contains "#", which an IMEI cannot have; an IMEI is 15 digits only',
    );
    expect(reasonOf("353979/106673567")).toContain('"/"');
  });

  it("recognises a spreadsheet's exponent form and says how to fix the export", () => {
    expect(reasonOf("3.53979E+14")).toBe(
      "a spreadsheet turned this IMEI into a number (3.53979E+14) and lost its last digits; format the column as text and export again",
    );
    expect(reasonOf("3,53979E+14")).toContain("(3,53979E+14)");
    expect(reasonOf('"3.53979e14"')).toContain("(3.53979e14)");
    expect(reasonOf("3.53979106673567E+14")).toMatch(/^a spreadsheet turned this IMEI into a number/);
  });

  it("recognises a 16-digit IMEISV", () => {
    expect(reasonOf("3539791066735601")).toBe(
      "looks like an IMEISV (16 digits, no check digit); use the 15-digit IMEI",
    );
  });

  it("says a 14-digit value may be missing its check digit, and which digit that would be", () => {
    expect(reasonOf("35397910667356")).toBe(
      "has 14 digits, an IMEI has 15: the check digit may be missing (it would be 7); copy the full IMEI",
    );
  });

  it("says when a 14-digit value is a valid IMEI that lost its leading 0 in a spreadsheet", () => {
    // 013… is a real iPhone TAC prefix; 013 997 00 123456 + check digit.
    const body = "01399700123456";
    const imei = `${body}${luhnCheckDigit(body)}`;
    expect(isLuhnValid(imei)).toBe(true);
    const reason = reasonOf(imei.slice(1));
    expect(reason).toContain("a spreadsheet dropped a leading 0");
    expect(reason).toContain(`(${imei} would be valid)`);
    expect(reason).toContain("format the column as text");
  });

  it("gives the digit count for other wrong lengths", () => {
    expect(reasonOf("3539791066")).toBe(
      "has 10 digits, an IMEI has exactly 15; check for missing or extra digits",
    );
    expect(reasonOf("35397910667356712")).toMatch(/^has 17 digits/);
    expect(reasonOf("7")).toMatch(/^has 1 digit,/);
  });

  it("names the right check digit when the Luhn check fails", () => {
    expect(reasonOf("353979106673568")).toBe(
      "fails the Luhn check digit (last digit should be 7); check the IMEI for a typo",
    );
    expect(reasonOf("490154203237510")).toContain("last digit should be 8");
  });
});

describe("imeiSchema", () => {
  it("outputs the normalised IMEI", () => {
    expect(imeiSchema.parse(" 35-397910-667356-7 ")).toBe("353979106673567");
  });

  it("fails with checkImei's reason as the message", () => {
    const result = imeiSchema.safeParse("3.53979E+14");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(reasonOf("3.53979E+14"));
  });

  it("works inside an array, so issues carry the index", () => {
    const result = imeiSchema.array().safeParse(["353979106673567", "353979106673568"]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([1]);
  });

  it("rejects non-strings", () => {
    expect(imeiSchema.safeParse(353979106673567).success).toBe(false);
  });
});
