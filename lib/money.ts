/**
 * Money is integer micro-units (1 USD = 1,000,000) in a bigint, never a binary float.
 * Upstream prices arrive as decimal strings ("0.08", "150.00") and are converted exactly.
 */
import { z } from "zod";

export const MICROS_PER_UNIT = 1_000_000n;

export type Micros = bigint;

/** "0.08" → 80_000n. Throws on anything that is not a plain non-negative decimal with ≤ 6 places. */
export function parseMoney(text: string): Micros {
  const trimmed = text.trim().replace(/^\$/, "").replace(/,/g, "");
  const match = /^(\d+)(?:\.(\d{0,6}))?$/.exec(trimmed);
  if (!match) throw new Error(`not a money amount: ${JSON.stringify(text)}`);
  const whole = BigInt(match[1]!);
  const fraction = BigInt((match[2] ?? "").padEnd(6, "0"));
  return whole * MICROS_PER_UNIT + fraction;
}

/** An amount as the API sends it: `toDecimalString`'s output ("0.08", "1600.00"), never a float. */
export const decimalAmountSchema = z
  .string()
  .regex(/^-?\d+\.\d{2,6}$/, "must be a decimal amount such as 0.08");

/** 80_000n → "0.08"; keeps at least two decimals and drops trailing zeros beyond them. */
export function toDecimalString(micros: Micros): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_UNIT;
  let fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, "0").replace(/0+$/, "");
  fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

export function multiplyMoney(micros: Micros, count: number | bigint): Micros {
  return micros * BigInt(count);
}
