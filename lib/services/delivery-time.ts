/**
 * The upper bound of an upstream delivery promise, in minutes, so that late orders can be marked overdue.
 * The upstream words it freely ("Instant", "Instant-5 Minutes", "1-24 Hours", "1-3 Days", "30 Min"), so
 * this reads every "number unit" (or "a-b unit") it finds and keeps the largest; a bare "Instant" is 0.
 */
const MINUTES_PER_UNIT: Array<[RegExp, number]> = [
  [/^(s|secs?|seconds?)$/, 1 / 60],
  [/^(m|mins?|minutes?)$/, 1],
  [/^(h|hrs?|hours?)$/, 60],
  [/^(d|days?|(business|working) days?)$/, 24 * 60],
  [/^(w|wks?|weeks?)$/, 7 * 24 * 60],
  [/^(months?)$/, 30 * 24 * 60],
];

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const UNIT = String.raw`((?:business |working )?days?|months?|weeks?|wks?|hours?|hrs?|minutes?|mins?|seconds?|secs?|[smhdw])`;
// "5 Minutes", "1-24 Hours", "1 - 3 days", "24h", "2 to 4 weeks"
const AMOUNT = new RegExp(`${NUMBER}\\s*(?:(?:-|–|—|~|to)\\s*${NUMBER}\\s*)?${UNIT}(?![a-z])`, "g");

function minutesPer(unit: string): number | null {
  for (const [pattern, minutes] of MINUTES_PER_UNIT) if (pattern.test(unit)) return minutes;
  return null;
}

const toNumber = (text: string) => Number(text.replace(",", "."));

/** "Instant-5 Minutes" → 5, "1-3 Days" → 4320, "Instant" → 0; null when no bound can be read. */
export function parseDeliveryMaxMinutes(text: string): number | null {
  const normalised = text.toLowerCase().replace(/\s+/g, " ").trim();
  let max: number | null = null;
  for (const match of normalised.matchAll(AMOUNT)) {
    const [, from, to, unit] = match;
    const perUnit = minutesPer(unit ?? "");
    if (perUnit === null || from === undefined) continue;
    const amount = Math.max(toNumber(from), to === undefined ? 0 : toNumber(to));
    const minutes = Math.ceil(amount * perUnit);
    if (Number.isFinite(minutes) && (max === null || minutes > max)) max = minutes;
  }
  if (max !== null) return max;
  return /\binstant(ly)?\b/.test(normalised) ? 0 : null;
}
