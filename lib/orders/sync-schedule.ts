/**
 * When to ask the upstream about a placed order again. Checks promise "Instant-5 Minutes" and usually
 * keep it; unlocks take hours to days. Asking is free but not unlimited, so the gap grows per order.
 */
const NORMAL_MS = [30_000, 60_000, 120_000, 300_000, 600_000, 1_200_000, 1_800_000, 3_600_000];
const INSTANT_MS = [5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];

/** The gap after the `checks`-th check (0 = the first check after placing). */
export function nextCheckDelayMs(checks: number, isInstant: boolean): number {
  const table = isInstant ? INSTANT_MS : NORMAL_MS;
  return table[Math.min(checks, table.length - 1)]!;
}

export function firstCheckDelayMs(isInstant: boolean): number {
  return nextCheckDelayMs(0, isInstant);
}

/** A delivery promise that starts with "Instant" is checked on the tighter schedule. */
export function isInstantDelivery(deliveryTime: string): boolean {
  return /^\s*instant/i.test(deliveryTime);
}
