import { describe, expect, it } from "vitest";
import { formatMoney } from "./format";
import { multiplyMoney, parseMoney, toDecimalString } from "./money";

describe("money", () => {
  it("parses upstream decimal strings exactly", () => {
    expect(parseMoney("0.08")).toBe(80_000n);
    expect(parseMoney("150.00")).toBe(150_000_000n);
    expect(parseMoney("$1,234.5")).toBe(1_234_500_000n);
    expect(parseMoney("7")).toBe(7_000_000n);
  });

  it("rejects what is not an amount", () => {
    for (const bad of ["", "-1", "0.0000001", "1e3", "abc", "1.2.3"])
      expect(() => parseMoney(bad)).toThrow(/not a money amount/);
  });

  it("sums 20,000 checks at $0.08 to exactly $1,600 (floats would not)", () => {
    expect(toDecimalString(multiplyMoney(parseMoney("0.08"), 20_000))).toBe("1600.00");
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(toDecimalString(parseMoney("0.08") * 3n)).toBe("0.24");
  });

  it("formats for people", () => {
    expect(formatMoney(80_000n)).toBe("$0.08");
    expect(formatMoney(1_234_500_000n)).toBe("$1,234.50");
    expect(formatMoney(123_456n)).toBe("$0.123456");
    expect(toDecimalString(-2_500_000n)).toBe("-2.50");
  });
});
