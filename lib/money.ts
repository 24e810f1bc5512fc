/**
 * Money is integer micro-units (1 USD = 1,000,000) in a bigint, never a binary float (STYLE.md 9).
 * Upstream prices arrive as decimal strings ("0.08", "150.00") and are converted exactly.
 */
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

/** 80_000n → "0.08"; keeps at least two decimals and drops trailing zeros beyond them. */
export function toDecimalString(micros: Micros): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_UNIT;
  let fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, "0").replace(/0+$/, "");
  fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

const usd = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 6,
});

/** 80_000n → "$0.08", 1_234_500_000n → "$1,234.50". For display only. */
export function formatMoney(micros: Micros): string {
  // Intl formats a decimal string exactly; going through Number would round large sums.
  return usd.format(toDecimalString(micros) as unknown as number);
}

export function multiplyMoney(micros: Micros, count: number | bigint): Micros {
  return micros * BigInt(count);
}
