import { describe, expect, it } from "vitest";
import { previewImeiText } from "./preview";

describe("previewImeiText", () => {
  it("counts valid, invalid and repeated IMEIs with their lines, like the server will", () => {
    const text = [
      "IMEI;Note",
      "353979106673567;a",
      "356938035643809;b",
      "3539791066735601;imeisv",
      "3.53979E+14;exponent",
      "353979106673568;typo",
      "35-397910-667356-7;repeat",
    ].join("\r\n");
    const preview = previewImeiText(text);
    expect(preview).toMatchObject({
      column: "IMEI",
      read: 6,
      unique: 2,
      duplicateLines: 1,
      duplicates: [{ imei: "353979106673567", lines: [2, 7] }],
      problems: [],
    });
    expect(preview.invalid.map((i) => i.line)).toEqual([4, 5, 6]);
    expect(preview.invalid[0]?.reason).toMatch(/IMEISV/);
  });

  it("passes file problems through", () => {
    expect(previewImeiText("a;b\n1;2").problems[0]?.message).toMatch(/^no imei column; found: a, b/);
  });
});
