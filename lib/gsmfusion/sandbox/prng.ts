/** Small deterministic helpers: the sandbox must repeat the same run for the same seed. */

/** FNV-1a over a string: a stable 32-bit hash. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: returns a generator of floats in [0, 1). */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from a list with a draw in [0, 1). */
export function pick<T>(items: readonly T[], draw: number): T {
  const item = items[Math.floor(draw * items.length) % items.length];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** Adds decimal strings exactly (micro-units), for the charge ledger's total. */
export function sumDecimals(values: readonly string[]): string {
  let micros = 0n;
  for (const value of values) {
    const [whole = "0", fraction = ""] = value.split(".");
    micros += BigInt(whole) * 1_000_000n + BigInt((fraction + "000000").slice(0, 6));
  }
  const fraction = (micros % 1_000_000n)
    .toString()
    .padStart(6, "0")
    .replace(/0{1,4}$/, "");
  return `${micros / 1_000_000n}.${fraction.padEnd(2, "0")}`;
}
