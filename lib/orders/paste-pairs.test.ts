import { describe, expect, it } from "vitest";
import { parsePastedPairs } from "./paste-pairs";

describe("parsePastedPairs", () => {
  it("reads tabs, commas, semicolons and spaces, skips header and blank lines, keeps line numbers", () => {
    const text =
      "IMEI NO.;ORDER ID\n\n356938035643809\t123\r\n 356938035643817 , 124 \n356938035643825;125\n126 356938035643833";
    expect(parsePastedPairs(text)).toEqual({
      pairs: [
        { imei: "356938035643809", upstreamOrderId: "123", line: 3 },
        { imei: "356938035643817", upstreamOrderId: "124", line: 4 },
        { imei: "356938035643825", upstreamOrderId: "125", line: 5 },
        { imei: "356938035643833", upstreamOrderId: "126", line: 6 },
      ],
      errors: [],
    });
  });

  it("names every line it cannot read", () => {
    const { pairs, errors } = parsePastedPairs(
      "3569380356438 1\n356938035643809\n356938035643809,12a\n1,2,3",
    );
    expect(pairs).toEqual([]);
    expect(errors.map((e) => e.line)).toEqual([1, 2, 3, 4]);
    expect(errors[0]!.message).toMatch(/not an IMEI/);
    expect(errors[1]!.message).toMatch(/two columns/);
    expect(errors[2]!.message).toMatch(/not an upstream order id/);
  });
});
